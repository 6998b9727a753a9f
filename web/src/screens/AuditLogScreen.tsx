import { ScreenTitle } from '../components/ScreenTitle';

export function AuditLogScreen() {
  return <ScreenTitle titleKey="audit.title" />;
}
