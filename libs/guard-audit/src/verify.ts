import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { GENESIS_HASH } from './canonical.js';
import { rowHash, SELECT_CHAIN_ROWS, type ChainRow } from './chain.js';
import type { HeadStore, StoredHead } from './head-store.js';
import { auditKeyId, parsePublicKey, verifyHeadSignature, type KeyMaterial, type SignedHead } from './signing.js';
import type { AuditProblem, AuditVerifyReport, ChainHead } from './verify-types.js';

/** Anything that runs a query: a pg.Pool or a connected client. */
export type Queryable = Pick<pg.Pool, 'query'>;

export interface VerifyAuditOptions {
  pool: Queryable;
  headStore: HeadStore;
  /** The audit public key; several during a key rotation (a head verifies if any key does). */
  publicKey: KeyMaterial | readonly KeyMaterial[];
  /** Report `no-signed-head` when records exist but no head was ever signed. Default false. */
  requireSignedHead?: boolean;
  /** Rows read per query. Default 2000. */
  pageSize?: number;
}

/** Rows either side of a broken record searched for where it belongs. */
const CLASSIFY_WINDOW = 256;

/**
 * Checks the whole audit chain and the signed heads and names the FIRST
 * problem in chain order. Reads the table in pages by seq; memory stays flat.
 */
export async function verifyAudit(options: VerifyAuditOptions): Promise<AuditVerifyReport> {
  const keys = (Array.isArray(options.publicKey) ? options.publicKey : [options.publicKey]).map((key: KeyMaterial) => parsePublicKey(key));
  const checked = checkHeadSignatures(await options.headStore.history(), keys);
  if ('problem' in checked) return { ok: false, problem: checked.problem, records: 0 };
  const heads = checked.heads;

  const walk = await walkChain(options.pool, { afterSeq: 0, prevHash: GENESIS_HASH, prevRecordedAt: null, heads, pageSize: options.pageSize });
  if (walk.problem) return { ok: false, problem: walk.problem, records: walk.records };

  const truncated = tailProblem(heads, walk.tip);
  if (truncated) return { ok: false, problem: truncated, records: walk.records };
  const head = newestHead(heads);
  if (!head && options.requireSignedHead && walk.records > 0) {
    const message = `${walk.records} records but no signed chain head: a truncated tail could not be detected`;
    return { ok: false, problem: { kind: 'no-signed-head', seq: walk.tip?.seq ?? 0, message }, records: walk.records };
  }
  return { ok: true, records: walk.records, head, tip: walk.tip };
}

/** The signed heads, or the first entry that is not one signed by these keys. */
export function checkHeadSignatures(entries: readonly StoredHead[], keys: readonly KeyObject[]): { heads: SignedHead[] } | { problem: AuditProblem } {
  const heads: SignedHead[] = [];
  for (const entry of entries) {
    const head = entry.head;
    if (!head) {
      return { problem: { kind: 'bad-signature', seq: 0, message: `head store entry ${entry.revision} is not a signed chain head` } };
    }
    if (!keys.some((key) => verifyHeadSignature(head, key))) {
      const expected = keys.map((key) => auditKeyId(key)).join(' or ');
      const message =
        `the chain head for seq ${head.seq} signed at ${head.at} (head store entry ${entry.revision}) does not verify with ` +
        `the audit public key (it names key ${head.keyId}; expected ${expected}): it was forged or altered`;
      return { problem: { kind: 'bad-signature', seq: head.seq, message } };
    }
    heads.push(head);
  }
  return { heads };
}

/** The head with the highest seq (latest signature among equals). */
export function newestHead(heads: readonly SignedHead[]): SignedHead | null {
  let newest: SignedHead | null = null;
  for (const head of heads) {
    if (!newest || head.seq > newest.seq || (head.seq === newest.seq && head.at >= newest.at)) newest = head;
  }
  return newest;
}

function tailProblem(heads: readonly SignedHead[], tip: ChainHead | null): AuditProblem | null {
  const end = tip?.seq ?? 0;
  const beyond = heads.filter((head) => head.seq > end);
  const newest = newestHead(beyond);
  if (!newest) return null;
  const message =
    `the chain head signed at ${newest.at} says the log reached seq ${newest.seq} (hash ${short(newest.hash)}), ` +
    `but the table ends at seq ${end}: records ${end + 1}..${newest.seq} were deleted (tail truncated)`;
  return { kind: 'truncated', seq: end + 1, message };
}

export interface WalkStart {
  /** Verify records after this seq (0: from the first). */
  afterSeq: number;
  /** hash of record `afterSeq` (GENESIS_HASH for 0). */
  prevHash: string;
  /** recorded_at text of record `afterSeq`, or null. */
  prevRecordedAt: string | null;
  /** Stop after this seq (inclusive); default: the end of the table. */
  untilSeq?: number;
  /** Signed heads to check against the rows as the walk passes their seq. */
  heads?: readonly SignedHead[];
  pageSize?: number | undefined;
}

export interface WalkResult {
  records: number;
  tip: ChainHead | null;
  problem?: AuditProblem;
}

interface Previous {
  seq: number;
  hash: string;
  recordedAt: string | null;
}

/** Walks the chain in seq order from `start`, returning the first problem found. */
export async function walkChain(db: Queryable, start: WalkStart): Promise<WalkResult> {
  const pageSize = start.pageSize ?? 2000;
  const headsAt = groupHeads(start.heads ?? []);
  let previous: Previous = { seq: start.afterSeq, hash: start.prevHash, recordedAt: start.prevRecordedAt };
  let records = 0;
  for (;;) {
    const rows = await readPage(db, previous.seq, start.untilSeq, pageSize);
    for (const row of rows) {
      const problem = (await checkRow(db, row, previous)) ?? checkHeadsAt(row, headsAt.get(Number(row.seq)));
      if (problem) return { records, tip: tipOf(previous), problem };
      previous = { seq: Number(row.seq), hash: row.hash, recordedAt: row.recorded_at };
      records++;
    }
    if (rows.length < pageSize) return { records, tip: tipOf(previous) };
  }
}

async function readPage(db: Queryable, afterSeq: number, untilSeq: number | undefined, limit: number): Promise<ChainRow[]> {
  const until = untilSeq === undefined ? '' : ' AND "seq" <= $3';
  const values = untilSeq === undefined ? [afterSeq, limit] : [afterSeq, limit, untilSeq];
  const { rows } = await db.query<ChainRow>(`${SELECT_CHAIN_ROWS} WHERE "seq" > $1${until} ORDER BY "audit_record"."seq" LIMIT $2`, values);
  return rows;
}

function tipOf(previous: Previous): ChainHead | null {
  return previous.seq > 0 ? { seq: previous.seq, hash: previous.hash } : null;
}

function groupHeads(heads: readonly SignedHead[]): Map<number, SignedHead[]> {
  const bySeq = new Map<number, SignedHead[]>();
  for (const head of heads) bySeq.set(head.seq, [...(bySeq.get(head.seq) ?? []), head]);
  return bySeq;
}

async function checkRow(db: Queryable, row: ChainRow, previous: Previous): Promise<AuditProblem | null> {
  const seq = Number(row.seq);
  const expected = previous.seq + 1;
  if (seq > expected) {
    const message =
      seq === expected + 1
        ? `seq ${expected} is missing: the record was deleted`
        : `seqs ${expected}..${seq - 1} are missing: ${seq - expected} records were deleted`;
    return { kind: 'deleted', seq: expected, message };
  }
  if (seq < expected) return { kind: 'reordered', seq, message: `seq ${seq} appears more than once` };
  if (rowHash(row) !== row.hash) return classifyMismatch(db, row);
  if (row.prev_hash !== previous.hash) return classifyBrokenLink(db, row, previous);
  if (previous.recordedAt !== null && row.recorded_at < previous.recordedAt) {
    const message = `the record at seq ${seq} was recorded at ${row.recorded_at}, before seq ${previous.seq} (${previous.recordedAt}): records were reordered`;
    return { kind: 'reordered', seq, message };
  }
  return null;
}

function checkHeadsAt(row: ChainRow, heads: readonly SignedHead[] | undefined): AuditProblem | null {
  const different = heads?.find((head) => head.hash !== row.hash);
  if (!different) return null;
  const message =
    `the chain head signed at ${different.at} says seq ${different.seq} has hash ${short(different.hash)}, but the table's ` +
    `record at seq ${row.seq} has ${short(row.hash)}: the tail was deleted and new records appended, or the chain was rewritten`;
  return { kind: 'truncated', seq: different.seq, message };
}

/** The record does not match its own hash: moved (seq changed / contents swapped) or edited. */
async function classifyMismatch(db: Queryable, row: ChainRow): Promise<AuditProblem> {
  const seq = Number(row.seq);
  for (const other of await neighbours(db, seq)) {
    if (other.seq === row.seq) continue;
    if (rowHash(row, row.prev_hash, other.seq) === row.hash) {
      return { kind: 'reordered', seq, message: `the record at seq ${seq} was written as seq ${other.seq}: its seq was changed (records reordered)` };
    }
    if (rowHash(row, other.prev_hash, other.seq) === other.hash) {
      return { kind: 'reordered', seq, message: `the record at seq ${seq} holds the content written at seq ${other.seq}: records were swapped` };
    }
  }
  return { kind: 'edited', seq, message: `the record at seq ${seq} was edited: its content no longer matches its hash` };
}

/** The record matches its hash but not its predecessor: chained after another record, or its predecessor was re-hashed. */
async function classifyBrokenLink(db: Queryable, row: ChainRow, previous: Previous): Promise<AuditProblem> {
  const seq = Number(row.seq);
  const predecessor = (await neighbours(db, seq)).find((other) => other.hash === row.prev_hash && other.seq !== String(previous.seq));
  if (predecessor) {
    return { kind: 'reordered', seq, message: `the record at seq ${seq} was chained after seq ${predecessor.seq}, not seq ${previous.seq}: records were reordered` };
  }
  if (previous.seq === 0) {
    return { kind: 'edited', seq, message: `the first record's prev_hash is not the genesis hash: it was edited` };
  }
  const message =
    `the record at seq ${previous.seq} was edited and re-hashed: its hash ${short(previous.hash)} is not the prev_hash ` +
    `${short(row.prev_hash)} that seq ${seq} was chained to`;
  return { kind: 'edited', seq: previous.seq, message };
}

async function neighbours(db: Queryable, seq: number): Promise<ChainRow[]> {
  const { rows } = await db.query<ChainRow>(`${SELECT_CHAIN_ROWS} WHERE "seq" BETWEEN $1 AND $2 ORDER BY "audit_record"."seq"`, [
    seq - CLASSIFY_WINDOW,
    seq + CLASSIFY_WINDOW,
  ]);
  return rows;
}

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}
