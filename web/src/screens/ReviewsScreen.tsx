import { ScreenTitle } from '../components/ScreenTitle';

export function ReviewsScreen() {
  return <ScreenTitle titleKey="reviews.title" />;
}
