import { ScreenTitle } from '../components/ScreenTitle';

export function UnblindingScreen() {
  return <ScreenTitle titleKey="unblinding.title" />;
}
