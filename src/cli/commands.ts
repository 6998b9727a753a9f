import { auditVerifyCommand } from './audit-verify.command';
import { CliCommand } from './cli-io';

/** Every command of the command line; each lives in its own file beside this one. */
export const COMMANDS: CliCommand[] = [auditVerifyCommand];
