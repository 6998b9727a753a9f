import { ScreenTitle } from '../components/ScreenTitle';

export function AllocationScreen() {
  return <ScreenTitle titleKey="allocate.title" />;
}
