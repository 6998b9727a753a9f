/**
 * Training mode (TRAINING=true): a practice instance for staff training. The pure parts live
 * here: the banner every screen, sheet and export carries, and the rule that a database stays
 * what it was set up as (a training database never starts without the flag, a clinical one never
 * with it).
 */

/** The words on every screen, printed sheet and export of a practice instance. */
export const TRAINING_BANNER = 'TRAINING — NOT FOR CLINICAL USE';

/** The response header every export of a practice instance carries (`X-Training: true`). */
export const TRAINING_HEADER = 'X-Training';

/** Where a database's kind was read: the installation marker or the trial's row. */
export interface RecordedKind {
  training: boolean;
  /** What recorded it, for the message: a file path or "the database ...". */
  source: string;
}

/**
 * The refusal when the flag and the recorded kind disagree, or undefined when they agree. The
 * message names TRAINING and the data directory, and says which way to fix it.
 */
export function trainingMismatch(
  flag: boolean,
  recorded: RecordedKind,
  dataDir: string,
): string | undefined {
  if (flag === recorded.training) return undefined;
  if (recorded.training) {
    return (
      `TRAINING is not set, but the data directory ${dataDir} holds a training database ` +
      `(recorded in ${recorded.source}). A training database never starts as a clinical one: ` +
      'start it with TRAINING=true, or point DATA_DIR at the clinical data directory.'
    );
  }
  return (
    `TRAINING=true, but the data directory ${dataDir} holds a clinical database ` +
    `(recorded in ${recorded.source}). A practice instance never runs on clinical data: ` +
    'unset DATA_DIR (a practice instance keeps its data in ./data-training) or point it at a ' +
    'directory of its own, or start without TRAINING.'
  );
}
