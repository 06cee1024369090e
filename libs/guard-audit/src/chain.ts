import { canonicalJsonFromText, canonicalObject, jsonText, sha256Hex } from './canonical.js';
import type { JsonValue, StoredAuditRecord } from './record.js';

/** The audit table, as created by migration 20261123020000_audit_chain. */
export const AUDIT_TABLE = 'audit_record';

/** `recorded_at` as the text the hash covers (same format string as the trigger). */
const RECORDED_AT_TEXT = `to_char("recorded_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A row as read for verification: the exact texts the hash covers. */
export interface ChainRow {
  seq: string;
  recorded_at: string;
  kind: string | null;
  action: string | null;
  caller: string | null;
  session_id: string | null;
  host: string | null;
  command: string | null;
  decision: string | null;
  rule: string | null;
  approver: string | null;
  reason: string | null;
  exit_code: number | null;
  duration_ms: number | null;
  output_sha256: string | null;
  trace_id: string | null;
  /** `details::text`, so numbers keep PostgreSQL's spelling. */
  details: string | null;
  prev_hash: string;
  hash: string;
}

export const SELECT_CHAIN_ROWS = `SELECT "seq"::text AS seq, ${RECORDED_AT_TEXT} AS recorded_at, "kind", "action", "caller", "session_id", "host",
        "command", "decision", "rule", "approver", "reason", "exit_code", "duration_ms", "output_sha256", "trace_id",
        "details"::text AS details, "prev_hash", "hash"
   FROM "${AUDIT_TABLE}"`;

function integerText(value: number | null): string {
  return value === null ? 'null' : String(value);
}

/** The canonical JSON of a row's content; `seq` may be substituted to test where a record belongs. */
export function rowContentJson(row: ChainRow, seq: string = row.seq): string {
  return canonicalObject([
    ['action', jsonText(row.action)],
    ['approver', jsonText(row.approver)],
    ['caller', jsonText(row.caller)],
    ['command', jsonText(row.command)],
    ['decision', jsonText(row.decision)],
    ['details', row.details === null ? 'null' : canonicalJsonFromText(row.details)],
    ['durationMs', integerText(row.duration_ms)],
    ['exitCode', integerText(row.exit_code)],
    ['host', jsonText(row.host)],
    ['kind', jsonText(row.kind)],
    ['outputSha256', jsonText(row.output_sha256)],
    ['reason', jsonText(row.reason)],
    ['recordedAt', jsonText(row.recorded_at)],
    ['rule', jsonText(row.rule)],
    ['seq', seq],
    ['sessionId', jsonText(row.session_id)],
    ['traceId', jsonText(row.trace_id)],
  ]);
}

/** sha256(prev_hash || canonical content): what the row's `hash` must be. */
export function rowHash(row: ChainRow, prevHash: string = row.prev_hash, seq: string = row.seq): string {
  return sha256Hex(prevHash + rowContentJson(row, seq));
}

export function toStoredRecord(row: ChainRow): StoredAuditRecord {
  return {
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    kind: row.kind as StoredAuditRecord['kind'],
    action: row.action,
    caller: row.caller ?? '',
    sessionId: row.session_id,
    host: row.host,
    command: row.command,
    decision: row.decision,
    rule: row.rule,
    approver: row.approver,
    reason: row.reason,
    exitCode: row.exit_code,
    durationMs: row.duration_ms,
    outputSha256: row.output_sha256,
    traceId: row.trace_id,
    details: row.details === null ? {} : (JSON.parse(row.details) as Record<string, JsonValue>),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
