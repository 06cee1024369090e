import type { AuditProblem } from './verify-types.js';

/**
 * The audit record could not be committed (database unreachable, timed out,
 * refused the row). Callers MUST NOT run the command it describes: the guard
 * fails closed. The record may or may not have been committed (a reply lost
 * after the commit); an extra record of a command that never ran is harmless.
 */
export class AuditWriteError extends Error {
  override readonly name = 'AuditWriteError';
}

/** The record itself is unacceptable (unknown kind, NUL character, too large…). Nothing was written. */
export class AuditRecordError extends Error {
  override readonly name = 'AuditRecordError';
}

/** Key material that is not an Ed25519 key. The message never contains the material. */
export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

/**
 * The chain since the last signed head does not verify, so no new head was
 * signed (signing it would bless the tampering). Treat as an alarm.
 */
export class AuditTamperError extends Error {
  override readonly name = 'AuditTamperError';
  constructor(readonly problem: AuditProblem) {
    super(`audit chain does not verify (${problem.kind} at seq ${problem.seq}): ${problem.message}`);
  }
}
