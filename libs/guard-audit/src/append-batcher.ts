import type pg from 'pg';
import { AUDIT_TABLE } from './chain.js';
import { AuditWriteError } from './errors.js';
import { TEXT_FIELDS, type AppendedRecord } from './record.js';
import { raceWithin } from '@homelab/resilience';

const COLUMNS = ['kind', ...TEXT_FIELDS.map(([, column]) => column), 'exit_code', 'duration_ms', 'details'];

interface InsertedRow {
  seq: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

interface Pending {
  values: unknown[];
  settled: boolean;
  resolve(record: AppendedRecord): void;
  reject(error: AuditWriteError): void;
}

/**
 * Commits appends, batching those that arrive while a commit is in flight
 * into one multi-row INSERT (group commit). The chain lock is held until
 * COMMIT, WAL flush included, so one record per transaction caps a busy
 * guard at one flush per record; a batch shares the flush and the lock. An
 * append on an idle log is sent at once (no timer, no added latency). Every
 * caller still resolves only after the COMMIT of its own record.
 */
export class AppendBatcher {
  private readonly queue: Pending[] = [];
  private flushing = false;
  private readonly sqlBySize = new Map<number, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly timeoutMs: number,
    private readonly maxBatch: number,
  ) {}

  /** `values`: the parameters of one record, in column order (insertParameters). */
  append(values: unknown[]): Promise<AppendedRecord> {
    return new Promise<AppendedRecord>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(writeError('the audit record was not committed', new DeadlineExceeded()))), this.timeoutMs);
      const settle = (done: () => void): void => {
        if (pending.settled) return;
        pending.settled = true;
        clearTimeout(timer);
        done();
      };
      const pending: Pending = {
        values,
        settled: false,
        resolve: (record) => settle(() => resolve(record)),
        reject: (error) => settle(() => reject(error)),
      };
      this.queue.push(pending);
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // callers that already timed out are not written
        const batch = this.queue.splice(0, this.maxBatch).filter((pending) => !pending.settled);
        if (batch.length > 0) await this.insert(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async insert(batch: Pending[]): Promise<void> {
    try {
      const rows = await this.withConnection((client) => client.query<InsertedRow>(this.sql(batch.length), batch.flatMap((pending) => pending.values)));
      // VALUES rows are inserted, and so numbered by the trigger, in list order
      const inserted = rows.rows.map(toAppended).sort((a, b) => a.seq - b.seq);
      if (inserted.length !== batch.length) throw writeError('the audit records were not written', new Error(`${inserted.length} of ${batch.length} rows returned`));
      batch.forEach((pending, index) => pending.resolve(inserted[index] as AppendedRecord));
    } catch (error) {
      const writeFailure = error instanceof AuditWriteError ? error : writeError('the audit record was not committed', error);
      // one record the database refuses must not take the others down with it
      if (batch.length > 1 && isRefusal(writeFailure.cause)) {
        for (const pending of batch) await this.insert([pending]);
        return;
      }
      for (const pending of batch) pending.reject(writeFailure);
    }
  }

  private sql(rows: number): string {
    let sql = this.sqlBySize.get(rows);
    if (!sql) {
      const tuples = Array.from({ length: rows }, (_, row) => {
        const base = row * COLUMNS.length;
        return `(${COLUMNS.map((column, index) => `$${base + index + 1}${column === 'details' ? '::jsonb' : ''}`).join(', ')})`;
      });
      // seq, recorded_at, prev_hash and hash are assigned by the audit_record_chain trigger
      sql = `INSERT INTO "${AUDIT_TABLE}" (${COLUMNS.map((column) => `"${column}"`).join(', ')}) VALUES ${tuples.join(', ')}
RETURNING "seq"::text AS seq, to_char("recorded_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at, "prev_hash", "hash"`;
      this.sqlBySize.set(rows, sql);
    }
    return sql;
  }

  /** Runs `work` on a pooled connection, failing with AuditWriteError after the timeout. */
  private async withConnection<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    let client: pg.PoolClient;
    try {
      client = await raceWithin(this.pool.connect(), deadline - Date.now(), () => new DeadlineExceeded(), (late) => late.release());
    } catch (error) {
      throw writeError('could not reach the audit database', error);
    }
    // a checked-out client has no error listener: a connection lost mid-query
    // would crash the process; the failed query reports it instead
    const ignore = (): void => undefined;
    client.on('error', ignore);
    try {
      const result = await raceWithin(work(client), deadline - Date.now(), () => new DeadlineExceeded());
      client.removeListener('error', ignore);
      client.release();
      return result;
    } catch (error) {
      client.removeListener('error', ignore);
      // a connection that failed or stalled mid-query is not reused
      client.release(true);
      throw writeError('the audit record was not committed', error);
    }
  }
}

function toAppended(row: InsertedRow): AppendedRecord {
  return { seq: Number(row.seq), recordedAt: row.recorded_at, prevHash: row.prev_hash, hash: row.hash };
}

/** PostgreSQL refused the data (SQLSTATE class 22 data exception, 23 constraint violation), as opposed to an outage. */
function isRefusal(cause: unknown): boolean {
  const code = typeof cause === 'object' && cause !== null ? Reflect.get(cause, 'code') : undefined;
  return typeof code === 'string' && /^2[23]/.test(code);
}

class DeadlineExceeded extends Error {
  constructor() {
    super('timed out');
  }
}


function writeError(what: string, cause: unknown): AuditWriteError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AuditWriteError(`${what}: ${reason}; nothing may run (fail closed)`, { cause });
}
