import { ScreenTitle } from '../components/ScreenTitle';

export function RegisterScreen() {
  return <ScreenTitle titleKey="register.title" />;
}
