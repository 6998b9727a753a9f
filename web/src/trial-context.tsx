import { createContext, useContext, useEffect } from 'react';
import type { ReactNode } from 'react';
import { useApiGet, type Loaded } from './api/use-api';
import type { TrialStatus } from './api/types';
import { useI18n } from './i18n/i18n-context';

/** GET /api/trial, shared by the screens: its time zone sets how every date is shown. */
interface TrialState {
  trial: Loaded<TrialStatus>;
  reloadTrial: () => void;
}

const TrialContext = createContext<TrialState | undefined>(undefined);

export function TrialProvider({ children }: { children: ReactNode }) {
  const [trial, reloadTrial] = useApiGet<TrialStatus>('/api/trial');
  const { setTimeZone } = useI18n();
  useEffect(() => {
    if (trial.kind === 'loaded') setTimeZone(trial.data.timeZone);
  }, [trial, setTimeZone]);
  return <TrialContext.Provider value={{ trial, reloadTrial }}>{children}</TrialContext.Provider>;
}

export function useTrial(): TrialState {
  const value = useContext(TrialContext);
  if (!value) throw new Error('useTrial outside TrialProvider');
  return value;
}
