import { useEffect, useState } from 'react';
import type { components } from '../api/schema';
import { send } from '../api/client';
import { useI18n } from '../i18n/i18n-context';

type Health = components['schemas']['HealthDto'];

/** The instance's training flag, asked once per page load: it cannot change while the server runs. */
let known: boolean | undefined;
let asked: Promise<boolean> | undefined;

function trainingFlag(): Promise<boolean> {
  asked ??= send({ method: 'GET', path: '/api/health' })
    .then((response) => response.json() as Promise<Health>)
    .then((health) => (known = health.training))
    .catch(() => {
      asked = undefined; // an unreachable server is asked again by the next screen
      return false;
    });
  return asked;
}

/**
 * On a practice instance (TRAINING=true), every screen, sign-in included, opens with this banner.
 * It reads the public GET /api/health, so it shows before anyone signs in; a clinical instance
 * (or an unreachable server) shows nothing. The answer is kept, so the banner is there at once on
 * the screens after sign-in, not a request later.
 */
export function TrainingBanner() {
  const { t } = useI18n();
  const [training, setTraining] = useState(known ?? false);
  useEffect(() => {
    let current = true;
    void trainingFlag().then((flag) => {
      if (current) setTraining(flag);
    });
    return () => {
      current = false;
    };
  }, []);
  if (!training) return null;
  return (
    <section className="training-banner" aria-label={t('app.training')}>
      <p>{t('app.training')}</p>
      <p className="training-banner-help">{t('app.trainingHelp')}</p>
    </section>
  );
}
