import { ScreenTitle } from '../components/ScreenTitle';

export function UsersScreen() {
  return <ScreenTitle titleKey="users.title" />;
}
