import { createHash } from 'node:crypto';

/**
 * Prisma Migrate's checksum of a migration script: SHA-256 of its UTF-8
 * bytes as 64 lowercase hex digits (prisma-engines, schema-connector
 * `checksum.rs`, `render_checksum`).
 */
export function migrationChecksum(script: Buffer | string): string {
  return createHash('sha256').update(script).digest('hex');
}

/** The unpadded hex form an old schema engine wrote (prisma-engines issue 1887). */
function unpaddedChecksum(script: string): string {
  const digest = createHash('sha256').update(script).digest();
  return Array.from(digest, (byte) => byte.toString(16)).join('');
}

const CHECKSUM_LENGTH = 64;

/**
 * Whether `script` matches a checksum recorded in `_prisma_migrations`, with
 * the same tolerance as Prisma's `script_matches_checksum`: line endings may
 * differ (git converts them on Windows) and very old rows lack zero padding.
 */
export function scriptMatchesChecksum(script: string, recorded: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  const render = recorded.length > 0 && recorded.length !== CHECKSUM_LENGTH ? unpaddedChecksum : migrationChecksum;
  return variants.some((variant) => render(variant) === recorded);
}
