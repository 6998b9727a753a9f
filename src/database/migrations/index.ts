import { Foundation1764000000000 } from './1764000000000-foundation';
import { RandomizationList1764000001000 } from './1764000001000-randomization-list';
import { Participants1764000002000 } from './1764000002000-participants';
import { Unblinding1764000003000 } from './1764000003000-unblinding';
import { AllocationSetOnce1764000004000 } from './1764000004000-allocation-set-once';
import { CredentialsChangedAt1764000005000 } from './1764000005000-credentials-changed-at';
import { InstallationId1764000006100 } from './1764000006100-installation-id';
import { Sessions1764000006600 } from './1764000006600-sessions';
import { PasswordFailures1764000007000 } from './1764000007000-password-failures';
import { CorrectionsAndWithdrawal1764000007300 } from './1764000007300-corrections-and-withdrawal';
import { Training1764000007600 } from './1764000007600-training';
import { KeyRotation1764000008400 } from './1764000008400-key-rotation';
import { DowntimeEnvelopes1764000009000 } from './1764000009000-downtime-envelopes';
import { BlindingGuesses1764000009500 } from './1764000009500-blinding-guesses';
import { BlindingGuessSalt1764000009600 } from './1764000009600-blinding-guess-salt';
import { EnvelopeCodeFailures1764000010300 } from './1764000010300-envelope-code-failures';
import { RoleHistory1764000010400 } from './1764000010400-role-history';
import { TruncateGuards1764000010500 } from './1764000010500-truncate-guards';

/** Every migration, in order. A new one is added here, never edited once released. */
export const MIGRATIONS = [
  Foundation1764000000000,
  RandomizationList1764000001000,
  Participants1764000002000,
  Unblinding1764000003000,
  AllocationSetOnce1764000004000,
  CredentialsChangedAt1764000005000,
  InstallationId1764000006100,
  Sessions1764000006600,
  PasswordFailures1764000007000,
  CorrectionsAndWithdrawal1764000007300,
  Training1764000007600,
  KeyRotation1764000008400,
  DowntimeEnvelopes1764000009000,
  BlindingGuesses1764000009500,
  BlindingGuessSalt1764000009600,
  EnvelopeCodeFailures1764000010300,
  RoleHistory1764000010400,
  TruncateGuards1764000010500,
];
