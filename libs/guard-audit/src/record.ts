import { AuditRecordError } from './errors.js';

/** What is recorded. The database refuses any other kind (CHECK constraint). */
export const AUDIT_KINDS = ['evaluation', 'approval', 'execution', 'rollback', 'suspension'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One event to record. Absent fields are stored as NULL. */
export interface AuditRecordInput {
  kind: AuditKind;
  /** The step within the kind: `requested`, `approved`, `denied`, `expired`, `started`, `finished`, `resumed`… */
  action?: string;
  /** Who asked (e.g. `jarvis`, or the operator for approvals and resumes). */
  caller: string;
  sessionId?: string;
  host?: string;
  /** The command exactly as judged or run. */
  command?: string;
  /** `allow` | `approval` | `deny` for evaluations; free for the other kinds. */
  decision?: string;
  /** The policy rule that decided. */
  rule?: string;
  approver?: string;
  /** The rule's reason, or the approver's. */
  reason?: string;
  exitCode?: number;
  durationMs?: number;
  /** sha256 of the command's output, lowercase hex ({@link sha256Hex}). */
  outputSha256?: string;
  traceId?: string;
  /** Anything else (approval id, checkpoint id, dry-run…). A JSON object, at most 64 KiB. */
  details?: Record<string, JsonValue>;
}

/** A record as stored: the input plus what the database assigned. */
export interface StoredAuditRecord extends Required<Pick<AuditRecordInput, 'kind' | 'caller'>> {
  seq: number;
  /** UTC, microseconds: `2026-11-23T02:00:00.123456Z` (the text the hash covers). */
  recordedAt: string;
  action: string | null;
  sessionId: string | null;
  host: string | null;
  command: string | null;
  decision: string | null;
  rule: string | null;
  approver: string | null;
  reason: string | null;
  exitCode: number | null;
  durationMs: number | null;
  outputSha256: string | null;
  traceId: string | null;
  details: Record<string, JsonValue>;
  prevHash: string;
  hash: string;
}

/** What `append` returns once the record is committed. */
export interface AppendedRecord {
  seq: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

/** The text fields, in column order: [field, column, most characters]. */
export const TEXT_FIELDS = [
  ['action', 'action', 64],
  ['caller', 'caller', 256],
  ['sessionId', 'session_id', 256],
  ['host', 'host', 256],
  ['command', 'command', 65_536],
  ['decision', 'decision', 64],
  ['rule', 'rule', 256],
  ['approver', 'approver', 256],
  ['reason', 'reason', 4_096],
  ['outputSha256', 'output_sha256', 64],
  ['traceId', 'trace_id', 64],
] as const satisfies ReadonlyArray<readonly [keyof AuditRecordInput, string, number]>;

type TextField = (typeof TEXT_FIELDS)[number][0];

export const MAX_DETAILS_BYTES = 65_536;
const MAX_DETAILS_DEPTH = 32;
const INT32_MAX = 2_147_483_647;
// PostgreSQL text cannot hold NUL; an unpaired surrogate cannot be stored as it was hashed
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** Parameters of the INSERT, in column order (kind, text fields, exit_code, duration_ms, details). */
export function insertParameters(record: AuditRecordInput): unknown[] {
  validateRecord(record);
  return [
    record.kind,
    ...TEXT_FIELDS.map(([field]) => record[field] ?? null),
    record.exitCode ?? null,
    record.durationMs ?? null,
    JSON.stringify(record.details ?? {}),
  ];
}

/** Throws {@link AuditRecordError} naming the first field the database would refuse or could not store faithfully. */
export function validateRecord(record: AuditRecordInput): void {
  if (!(AUDIT_KINDS as readonly string[]).includes(record.kind)) {
    throw new AuditRecordError(`kind must be one of ${AUDIT_KINDS.join(', ')}`);
  }
  if (typeof record.caller !== 'string' || record.caller === '') throw new AuditRecordError('caller is required');
  for (const [field, , max] of TEXT_FIELDS) checkText(field, record[field], max);
  if (record.outputSha256 !== undefined && !/^[0-9a-f]{64}$/.test(record.outputSha256)) {
    throw new AuditRecordError('outputSha256 must be 64 lowercase hex digits');
  }
  checkInteger('exitCode', record.exitCode, -INT32_MAX - 1);
  checkInteger('durationMs', record.durationMs, 0);
  checkDetails(record.details);
}

function checkText(field: TextField, value: unknown, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string') throw new AuditRecordError(`${field} must be a string`);
  if (value.length > max) throw new AuditRecordError(`${field} is longer than ${max} characters`);
  if (unstorable(value)) throw new AuditRecordError(`${field} contains a NUL character or an unpaired surrogate`);
}

function checkInteger(field: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > INT32_MAX) {
    throw new AuditRecordError(`${field} must be an integer from ${min} to ${INT32_MAX}`);
  }
}

function checkDetails(details: unknown): void {
  if (details === undefined) return;
  if (!isPlainObject(details)) throw new AuditRecordError('details must be a JSON object');
  checkJson(details, 'details', 0);
  if (Buffer.byteLength(JSON.stringify(details)) > MAX_DETAILS_BYTES) {
    throw new AuditRecordError(`details are larger than ${MAX_DETAILS_BYTES} bytes`);
  }
}

function checkJson(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DETAILS_DEPTH) throw new AuditRecordError(`${path} is nested deeper than ${MAX_DETAILS_DEPTH} levels`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    if (unstorable(value)) throw new AuditRecordError(`${path} contains a NUL character or an unpaired surrogate`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AuditRecordError(`${path} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkJson(item, `${path}[${index}]`, depth + 1));
    return;
  }
  if (!isPlainObject(value)) throw new AuditRecordError(`${path} is not JSON (a ${typeof value})`);
  for (const [key, item] of Object.entries(value)) {
    if (unstorable(key)) throw new AuditRecordError(`${path} has a key with a NUL character or an unpaired surrogate`);
    checkJson(item, `${path}.${key}`, depth + 1);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
