import { en, type MessageKey } from './messages-en';
import { es } from './messages-es';

export type Language = 'en' | 'es';
export const LANGUAGES: readonly Language[] = ['en', 'es'];
export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, es };

/** The user's own choice if they made one, else the browser's first language we have, else English. */
export function chooseLanguage(saved: string | null, browser: readonly string[]): Language {
  if (saved === 'en' || saved === 'es') return saved;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'es' || primary === 'en') return primary;
  }
  return 'en';
}

export type MessageParams = Record<string, string | number>;

/** A catalogue text with its `{name}` placeholders filled; an unknown placeholder stays visible. */
export function translate(language: Language, key: MessageKey, params: MessageParams = {}): string {
  return CATALOGUES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The catalogue key of an API refusal code, when the catalogue has one. */
export function errorKeyOf(code: string | undefined): MessageKey | undefined {
  const key = `error.${code ?? ''}`;
  return key in en ? (key as MessageKey) : undefined;
}

/**
 * A date and time in the trial's time zone, written the language's way, with the zone named so
 * that nobody reads Madrid time as their own. An absent value is shown as a dash.
 */
export function formatDateTime(
  language: Language,
  timeZone: string | undefined,
  iso: string | null | undefined,
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'es' ? 'es-ES' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: timeZone ?? 'UTC',
    timeZoneName: 'short',
  }).format(date);
}
