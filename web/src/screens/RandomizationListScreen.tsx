import { ScreenTitle } from '../components/ScreenTitle';

export function RandomizationListScreen() {
  return <ScreenTitle titleKey="list.title" />;
}
