export { AuditLog, type AuditAppender, type AuditLogOptions, type HeadSigner, type HeadSignerOptions } from './audit-log.js';
export { recordThenRun } from './record-then-run.js';
export {
  AUDIT_KINDS,
  MAX_DETAILS_BYTES,
  validateRecord,
  type AppendedRecord,
  type AuditKind,
  type AuditRecordInput,
  type JsonValue,
  type StoredAuditRecord,
} from './record.js';
export { AuditKeyError, AuditRecordError, AuditTamperError, AuditWriteError } from './errors.js';
export { GENESIS_HASH, canonicalJsonFromText, sha256Hex } from './canonical.js';
export { AUDIT_TABLE } from './chain.js';
export {
  auditKeyId,
  generateAuditSigningKey,
  headPayload,
  parsePublicKey,
  parseSigningKey,
  signChainHead,
  verifyHeadSignature,
  type AuditKeyPair,
  type KeyMaterial,
  type SignedHead,
} from './signing.js';
export { MemoryHeadStore, type HeadStore, type StoredHead } from './head-store.js';
export { DEFAULT_HEAD_BUCKET, NatsKvHeadStore, type NatsKvHeadStoreOptions } from './nats-kv-head-store.js';
export { verifyAudit, type Queryable, type VerifyAuditOptions } from './verify.js';
export type { AuditProblem, AuditProblemKind, AuditVerifyReport, ChainHead } from './verify-types.js';
export { AUDIT_VERIFY_USAGE, runAuditVerifyCli, type CliOutput } from './cli.js';
