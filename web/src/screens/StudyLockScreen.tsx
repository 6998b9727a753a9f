import { ScreenTitle } from '../components/ScreenTitle';

export function StudyLockScreen() {
  return <ScreenTitle titleKey="lock.title" />;
}
