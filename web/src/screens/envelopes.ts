import type { components } from '../api/schema';

type Envelope = components['schemas']['EnvelopeDto'];

/**
 * The instant a wall-clock time names in a time zone ("2026-03-02T09:15" in Europe/Madrid is
 * 08:15Z), as ISO 8601 UTC; undefined for no such time. A time the zone skips (the spring
 * change) is read with the offset before it; a repeated one (autumn), the first of the two.
 */
export function wallTimeToIso(wallTime: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wallTime);
  if (!match) return undefined;
  const field = (i: number) => Number(match[i]);
  const [year, month, day, hour, minute] = [field(1), field(2), field(3), field(4), field(5)];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(asUtc) || new Date(asUtc).getUTCDate() !== day) return undefined;
  // The zone's offset at a guess, then at the corrected instant (they differ near a change).
  let instant = asUtc - offsetMinutes(asUtc, timeZone) * 60_000;
  instant = asUtc - offsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** The zone's offset from UTC at an instant, in minutes (Europe/Madrid in winter: 60). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
  return Math.round((wall - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/** The number of an envelope label ("ENV-0042": 42); NaN for no label. */
export function envelopeNumberOf(label: string): number {
  const match = /^ENV-(\d+)$/i.exec(label);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * Envelopes by number, as numbers (ENV-9999 before ENV-10000: as text, 10 came before 2 once
 * labels outgrow their padding); a label that is no number goes last, by its text.
 */
export function byEnvelopeNumber(
  a: Pick<Envelope, 'envelopeNumber'>,
  b: Pick<Envelope, 'envelopeNumber'>,
): number {
  const [x, y] = [envelopeNumberOf(a.envelopeNumber), envelopeNumberOf(b.envelopeNumber)];
  if (Number.isNaN(x) || Number.isNaN(y)) {
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    return a.envelopeNumber.localeCompare(b.envelopeNumber);
  }
  return x - y;
}

/** The envelopes a pharmacist can still print or use, lowest number first. */
export function outstanding(envelopes: readonly Envelope[]): Envelope[] {
  return envelopes.filter((e) => e.status === 'OUTSTANDING').sort(byEnvelopeNumber);
}

/** How many envelopes are in each state, for the summary line. */
export function countByStatus(envelopes: readonly Envelope[]): Record<Envelope['status'], number> {
  const counts: Record<Envelope['status'], number> = { OUTSTANDING: 0, USED: 0, VOIDED: 0 };
  for (const envelope of envelopes) counts[envelope.status] += 1;
  return counts;
}

/**
 * The longest reason for voiding one envelope the API takes (VOID_REASON_MAX_LENGTH of
 * src/envelopes/dto/envelopes.dto.ts; envelopes.spec.ts holds them equal).
 */
export const VOID_REASON_MAX_LENGTH = 500;

/** Whether a reason for voiding says anything: the API refuses one of spaces only (400). */
export function voidReasonGiven(reason: string): boolean {
  return /\S/.test(reason);
}

/** The envelopes a statistician may void, one by one: those neither used nor voided. */
export function voidable(envelope: Pick<Envelope, 'status'>): boolean {
  return envelope.status === 'OUTSTANDING';
}
