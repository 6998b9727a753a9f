import { useEffect, useState } from 'react';
import type { components } from '../api/schema';
import { send } from '../api/client';
import { useI18n } from '../i18n/i18n-context';

type Health = components['schemas']['HealthDto'];

/**
 * On a practice instance (TRAINING=true), every screen, sign-in included, opens with this banner.
 * It reads the public GET /api/health, so it shows before anyone signs in; a clinical instance
 * (or an unreachable server) shows nothing.
 */
export function TrainingBanner() {
  const { t } = useI18n();
  const [training, setTraining] = useState(false);
  useEffect(() => {
    let current = true;
    send({ method: 'GET', path: '/api/health' })
      .then((response) => response.json() as Promise<Health>)
      .then((health) => {
        if (current) setTraining(health.training);
      })
      .catch(() => undefined);
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
