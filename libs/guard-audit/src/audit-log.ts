import { createPublicKey, type KeyObject } from 'node:crypto';
import type pg from 'pg';
import { GENESIS_HASH } from './canonical.js';
import { AUDIT_TABLE, SELECT_CHAIN_ROWS, toStoredRecord, type ChainRow } from './chain.js';
import { AppendBatcher } from './append-batcher.js';
import { AuditTamperError } from './errors.js';
import type { HeadStore, StoredHead } from './head-store.js';
import { insertParameters, type AppendedRecord, type AuditRecordInput, type StoredAuditRecord } from './record.js';
import { parseSigningKey, signChainHead, verifyHeadSignature, type KeyMaterial, type SignedHead } from './signing.js';
import { newestHead, walkChain } from './verify.js';
import type { ChainHead } from './verify-types.js';

export interface AuditLogOptions {
  /** The jarvis-guard database (migrations applied). */
  pool: pg.Pool;
  /** Ed25519 private key for signing chain heads (from the secrets store). Needed by signHead. */
  signingKey?: KeyMaterial;
  /** Where signed heads go (NatsKvHeadStore in the service). Needed by signHead. */
  headStore?: HeadStore;
  /** An append that has not committed after this long fails (and nothing runs). Default 5000 ms. */
  appendTimeoutMs?: number;
  /** Most records committed together when appends queue up behind one in flight. Default 100; 1 disables batching. */
  maxBatch?: number;
}

export interface HeadSignerOptions {
  /** Default 60 s. */
  intervalMs?: number;
  onSigned?: (head: SignedHead) => void;
  /** A failed signing; an {@link AuditTamperError} means the chain was tampered with: raise the alarm. */
  onError?: (error: unknown) => void;
}

export interface HeadSigner {
  stop(): Promise<void>;
}

/** What {@link recordThenRun} needs. */
export interface AuditAppender {
  append(record: AuditRecordInput): Promise<AppendedRecord>;
}

/**
 * The guard's audit log.
 *
 * Contract (fail closed): record BEFORE acting. {@link append} resolves only
 * once the record is committed; when it rejects, the caller must not run the
 * command. {@link recordThenRun} enforces this.
 */
export class AuditLog implements AuditAppender {
  private readonly pool: pg.Pool;
  private readonly signingKey: KeyObject | undefined;
  private readonly headStore: HeadStore | undefined;
  private readonly batcher: AppendBatcher;

  constructor(options: AuditLogOptions) {
    this.pool = options.pool;
    this.signingKey = options.signingKey === undefined ? undefined : parseSigningKey(options.signingKey);
    this.headStore = options.headStore;
    this.batcher = new AppendBatcher(options.pool, options.appendTimeoutMs ?? 5_000, Math.max(1, options.maxBatch ?? 100));
  }

  /**
   * Appends one record; the database assigns seq, time and hash under the
   * chain lock. Appends made while another is in flight are committed
   * together (one INSERT, one transaction), in call order. Resolves after
   * the COMMIT that includes this record. Rejects
   * with AuditRecordError (bad record, nothing written) or AuditWriteError
   * (database unreachable, slow or refusing): either way, run nothing.
   */
  async append(record: AuditRecordInput): Promise<AppendedRecord> {
    return this.batcher.append(insertParameters(record));
  }

  /** The last record's seq and hash, or null while the log is empty. */
  async tip(): Promise<ChainHead | null> {
    const { rows } = await this.pool.query<{ seq: string; hash: string }>(`SELECT "seq"::text AS seq, "hash" FROM "${AUDIT_TABLE}" ORDER BY "audit_record"."seq" DESC LIMIT 1`);
    const row = rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /** Records with seq > afterSeq, in seq order. */
  async read(options: { afterSeq?: number; limit?: number } = {}): Promise<StoredAuditRecord[]> {
    const { rows } = await this.pool.query<ChainRow>(`${SELECT_CHAIN_ROWS} WHERE "seq" > $1 ORDER BY "audit_record"."seq" LIMIT $2`, [
      options.afterSeq ?? 0,
      Math.min(10_000, options.limit ?? 100),
    ]);
    return rows.map(toStoredRecord);
  }

  /**
   * Signs the current chain head and stores it in the head store. First
   * verifies the records since the last head signed with this key (all of
   * them the first time) and throws {@link AuditTamperError} instead of
   * signing when they do not verify.
   */
  async signHead(): Promise<SignedHead> {
    const { key, store } = this.signingSetup();
    const previous = newestOwnHead(await store.history(), key);
    const tip = await this.tip();
    const start = await this.verifiedStart(previous);
    if (tip && tip.seq > start.afterSeq) {
      const walk = await walkChain(this.pool, { ...start, untilSeq: tip.seq });
      if (walk.problem) throw new AuditTamperError(walk.problem);
    }
    const head = signChainHead(tip ?? { seq: 0, hash: GENESIS_HASH }, key);
    await store.put(head);
    return head;
  }

  /** Signs the head every `intervalMs` while it moves. */
  startHeadSigner(options: HeadSignerOptions = {}): HeadSigner {
    this.signingSetup();
    const intervalMs = options.intervalMs ?? 60_000;
    let lastSigned: ChainHead | null = null;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();

    const tick = async (): Promise<void> => {
      try {
        const tip = await this.tip();
        if (tip && (tip.seq !== lastSigned?.seq || tip.hash !== lastSigned.hash)) {
          const head = await this.signHead();
          lastSigned = head;
          options.onSigned?.(head);
        }
      } catch (error) {
        options.onError?.(error);
      }
    };
    const schedule = (): void => {
      if (stopped) return;
      timer = setTimeout(() => {
        running = tick().then(schedule);
      }, intervalMs);
      timer.unref();
    };
    schedule();
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
      },
    };
  }

  private signingSetup(): { key: KeyObject; store: HeadStore } {
    if (!this.signingKey || !this.headStore) throw new Error('AuditLog needs signingKey and headStore to sign chain heads');
    return { key: this.signingKey, store: this.headStore };
  }

  /** Where verification before signing starts: after the last signed head, whose record must still be there unchanged. */
  private async verifiedStart(previous: SignedHead | null): Promise<{ afterSeq: number; prevHash: string; prevRecordedAt: string | null }> {
    if (!previous || previous.seq === 0) return { afterSeq: 0, prevHash: GENESIS_HASH, prevRecordedAt: null };
    const { rows } = await this.pool.query<ChainRow>(`${SELECT_CHAIN_ROWS} WHERE "seq" = $1`, [previous.seq]);
    const row = rows[0];
    if (!row || row.hash !== previous.hash) {
      const message = row
        ? `the record at seq ${previous.seq} no longer has the hash signed at ${previous.at}: the chain was rewritten`
        : `the last signed head names seq ${previous.seq}, which the table no longer has: the tail was deleted`;
      throw new AuditTamperError({ kind: 'truncated', seq: previous.seq, message });
    }
    return { afterSeq: previous.seq, prevHash: previous.hash, prevRecordedAt: row.recorded_at };
  }
}

/** The newest head this key signed; heads that do not verify are verifyAudit's to report, never a starting point. */
function newestOwnHead(entries: readonly StoredHead[], key: KeyObject): SignedHead | null {
  const publicKey = createPublicKey(key);
  const own = entries.flatMap((entry) => (entry.head && verifyHeadSignature(entry.head, publicKey) ? [entry.head] : []));
  return newestHead(own);
}
