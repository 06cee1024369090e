import type { AuditAppender } from './audit-log.js';
import type { AppendedRecord, AuditRecordInput } from './record.js';

/**
 * Records, then runs: `run` is called only after the record is committed,
 * and never when appending fails (the AuditWriteError / AuditRecordError
 * propagates). The guard's one way to run anything.
 */
export async function recordThenRun<T>(audit: AuditAppender, record: AuditRecordInput, run: (recorded: AppendedRecord) => Promise<T> | T): Promise<T> {
  const recorded = await audit.append(record);
  return run(recorded);
}
