import { useI18n } from '../i18n/i18n-context';

/** Said on every screen that shows a limb (SPEC section 11): the view is in the audit log. */
export function RecordedViewNotice() {
  const { t } = useI18n();
  return <p className="recorded-view">{t('app.recordedView')}</p>;
}
