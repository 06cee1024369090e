import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, natsUrl, uniqueStreamName } from '@homelab/testing';
import { AuditLog } from './audit-log.js';
import { runAuditVerifyCli } from './cli.js';
import { NatsKvHeadStore } from './nats-kv-head-store.js';
import { generateAuditSigningKey } from './signing.js';
import { createAuditTestDatabase, sampleRecord, type AuditTestDatabase } from './audit-db.test-helpers.js';

let db: AuditTestDatabase;
let nc: NatsConnection;
const bucket = uniqueStreamName('guard_audit_cli');
const keys = generateAuditSigningKey();
let env: Record<string, string>;

async function run(args: string[], environment: Record<string, string | undefined> = env): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runAuditVerifyCli(args, environment, { write: (text: string) => (output += text) });
  return { code, output };
}

beforeAll(async () => {
  db = await createAuditTestDatabase('audit_cli');
  nc = await connect({ servers: natsUrl() });
  const audit = new AuditLog({ pool: db.pool, signingKey: keys.privateKey, headStore: await NatsKvHeadStore.open(nc, { bucket }) });
  for (let i = 0; i < 12; i++) await audit.append(sampleRecord(i));
  await audit.signHead();
  env = { DATABASE_URL: db.database.url, NATS_URL: natsUrl(), GUARD_AUDIT_HEAD_BUCKET: bucket, GUARD_AUDIT_PUBLIC_KEY: keys.publicKey };
});

afterAll(async () => {
  await new Kvm(nc)
    .open(bucket)
    .then((kv) => kv.destroy())
    .catch(() => undefined);
  await nc?.close();
  await db?.close();
});

describe('guard audit verify', () => {
  it('reports a verified log (exit 0)', async () => {
    const { code, output } = await run([]);
    expect(code).toBe(0);
    expect(output).toMatch(/^audit ok: 12 records verified, chain tip seq 12 /);
    expect(output).toContain(`latest signed head: seq 12, signed at `);
    expect(output).toContain(`by key ${keys.keyId}`);
  });

  it('prints JSON with --json and takes settings from flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-key-'));
    try {
      await writeFile(join(dir, 'audit.pub'), keys.publicKey);
      const flags = ['--json', '--database-url', db.database.url, '--nats-url', natsUrl(), '--bucket', bucket, '--public-key-file', join(dir, 'audit.pub')];
      const { code, output } = await run(flags, {});
      expect(code).toBe(0);
      expect(JSON.parse(output)).toMatchObject({ ok: true, records: 12, head: { seq: 12, keyId: keys.keyId }, tip: { seq: 12 } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the first problem (exit 1)', async () => {
    await db.tamper(`UPDATE audit_record SET approver = 'mallory' WHERE seq = 6`);
    try {
      const { code, output } = await run([]);
      expect(code).toBe(1);
      expect(output).toMatch(/^audit FAILED: edited at seq 6: the record at seq 6 was edited/);
      expect(output).toContain('(5 records verified before it)');
    } finally {
      await db.tamper(`UPDATE audit_record SET approver = (SELECT approver FROM audit_record WHERE seq = 1) WHERE seq = 6`);
    }
    expect((await run([])).code).toBe(0);
  });

  it('fails a forged key (exit 1: bad signature)', async () => {
    const { code, output } = await run([], { ...env, GUARD_AUDIT_PUBLIC_KEY: generateAuditSigningKey().publicKey });
    expect(code).toBe(1);
    expect(output).toMatch(/^audit FAILED: bad-signature at seq 12/);
  });

  it.each<[string, Record<string, string | undefined>, string[], RegExp]>([
    ['no database', { DATABASE_URL: undefined }, [], /no database: set DATABASE_URL/],
    ['no public key', { GUARD_AUDIT_PUBLIC_KEY: undefined }, [], /no public key/],
    ['a bad public key', { GUARD_AUDIT_PUBLIC_KEY: 'not-a-key' }, [], /neither PEM nor a base64 32-byte Ed25519 key/],
    ['an unknown flag', {}, ['--frobnicate'], /Unknown option '--frobnicate'/],
    ['a missing bucket', { GUARD_AUDIT_HEAD_BUCKET: uniqueStreamName('missing') }, [], /head store bucket .* cannot be opened/],
  ])('exits 2 with %s', async (_name, change, args, message) => {
    const { code, output } = await run(args, { ...env, ...change });
    expect(code).toBe(2);
    expect(output).toMatch(message);
  });

  it('exits 2 without showing credentials when a server is unreachable', async () => {
    const port = await freePort();
    const unreachableDb = await run([], { ...env, DATABASE_URL: `postgresql://guard:s3cret-pw@127.0.0.1:${port}/guard` });
    expect(unreachableDb.code).toBe(2);
    expect(unreachableDb.output).toMatch(/could not verify/);
    expect(unreachableDb.output).not.toContain('s3cret-pw');
    const unreachableNats = await run([], { ...env, NATS_URL: `nats://user:s3cret-pw@127.0.0.1:${port}` });
    expect(unreachableNats.code).toBe(2);
    expect(unreachableNats.output).toMatch(/NATS at nats:\/\/127\.0\.0\.1:\d+ is unreachable/);
    expect(unreachableNats.output).not.toContain('s3cret-pw');
  });

  it('prints usage with --help', async () => {
    const { code, output } = await run(['--help'], {});
    expect(code).toBe(0);
    expect(output).toMatch(/^Usage: guard audit verify/);
  });
});
