import { ScreenTitle } from '../components/ScreenTitle';

export function BlindingRegisterScreen() {
  return <ScreenTitle titleKey="register.blindingTitle" />;
}
