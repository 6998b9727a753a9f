import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages-en';

/**
 * A screen's heading. It names the page in the title bar (never anything a screen shows, such as
 * a limb) and takes the focus when the screen opens, so a screen reader announces the new screen.
 */
export function ScreenTitle({ titleKey }: { titleKey: MessageKey }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const title = t(titleKey);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  useEffect(() => {
    heading.current?.focus();
  }, [titleKey]);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {title}
    </h1>
  );
}
