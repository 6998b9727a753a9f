import { auditAcceptHeadCommand } from './audit-accept-head.command';
import { auditVerifyCommand } from './audit-verify.command';
import { backupCommand } from './backup.command';
import { CliCommand } from './cli-io';
import { keyGenerateCommand } from './key-generate.command';
import { keyRotateAuditSigningCommand } from './key-rotate-audit-signing.command';
import { keyRotateCommand } from './key-rotate.command';
import { listSimulateCommand } from './list-simulate.command';
import { listVerifyCommand } from './list-verify.command';
import { userCreateCommand } from './user-create.command';

/** Every command of the command line; each lives in its own file beside this one. */
export const COMMANDS: CliCommand[] = [
  userCreateCommand,
  auditVerifyCommand,
  auditAcceptHeadCommand,
  listVerifyCommand,
  listSimulateCommand,
  keyGenerateCommand,
  keyRotateCommand,
  keyRotateAuditSigningCommand,
  backupCommand,
];
