import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { MessageKey } from './messages-en';
import {
  chooseLanguage,
  errorKeyOf,
  formatDateTime,
  translate,
  type Language,
  type MessageParams,
} from './language';

/** The language choice is a preference, not a secret: it is the only thing kept in localStorage. */
const LANGUAGE_STORAGE_KEY = 'language';

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, params?: MessageParams) => string;
  /** Words for an API refusal: the catalogue's text for its code, else its message. */
  errorText: (code: string | undefined, message: string) => string;
  /** A date and time in the trial's zone, the language's way. */
  dateTime: (iso: string | null | undefined) => string;
  setTimeZone: (timeZone: string) => void;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function savedLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() =>
    chooseLanguage(savedLanguage(), navigator.languages),
  );
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      window.localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // Storage may be off in this browser: the choice then lasts for this page only.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const t = (key: MessageKey, params?: MessageParams) => translate(language, key, params);
    return {
      language,
      setLanguage,
      t,
      errorText: (code, message) => {
        const key = errorKeyOf(code);
        return key ? t(key, { message }) : t('error.UNKNOWN', { message });
      },
      dateTime: (iso) => formatDateTime(language, timeZone, iso),
      setTimeZone,
    };
  }, [language, setLanguage, timeZone]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
