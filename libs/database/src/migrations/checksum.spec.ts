import { describe, expect, it } from 'vitest';
import { migrationChecksum, scriptMatchesChecksum } from './checksum.js';

const script = '-- CreateTable\nCREATE TABLE "t" ("id" TEXT NOT NULL);\n';

describe('migration checksums', () => {
  it('is the SHA-256 of the script as 64 lowercase hex digits', () => {
    expect(migrationChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(migrationChecksum(Buffer.from(script))).toBe(migrationChecksum(script));
  });

  it('matches the recorded checksum of the same script and rejects an edited one', () => {
    const recorded = migrationChecksum(script);
    expect(scriptMatchesChecksum(script, recorded)).toBe(true);
    expect(scriptMatchesChecksum(script.replace('TEXT', 'UUID'), recorded)).toBe(false);
  });

  it('tolerates line endings converted by git in either direction, as Prisma does', () => {
    const crlf = script.replace(/\n/g, '\r\n');
    expect(scriptMatchesChecksum(crlf, migrationChecksum(script))).toBe(true);
    expect(scriptMatchesChecksum(script, migrationChecksum(crlf))).toBe(true);
  });

  it('accepts the unpadded checksums very old Prisma versions recorded', () => {
    const digest = Array.from(Buffer.from(migrationChecksum(script), 'hex'));
    const unpadded = digest.map((byte) => byte.toString(16)).join('');
    // only meaningful when some byte is below 0x10
    expect(digest.some((byte) => byte < 16)).toBe(true);
    expect(unpadded).not.toHaveLength(64);
    expect(scriptMatchesChecksum(script, unpadded)).toBe(true);
  });
});
