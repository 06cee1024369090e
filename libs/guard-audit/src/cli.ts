import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createPool } from '@homelab/database';
import { DEFAULT_HEAD_BUCKET, NatsKvHeadStore } from './nats-kv-head-store.js';
import { auditKeyId, parsePublicKey } from './signing.js';
import { verifyAudit } from './verify.js';
import type { AuditVerifyReport } from './verify-types.js';

export interface CliOutput {
  write(text: string): unknown;
}

export const AUDIT_VERIFY_USAGE = `Usage: guard audit verify [options]

Checks the audit log's hash chain and its signed heads; prints the first
problem (edited, deleted, reordered, truncated, bad-signature).

Options (environment variable in brackets):
  --database-url URL      jarvis-guard database [DATABASE_URL]
  --nats-url URL          NATS server holding the signed heads [NATS_URL] (default nats://127.0.0.1:4222)
  --bucket NAME           KV bucket of the signed heads [GUARD_AUDIT_HEAD_BUCKET] (default ${DEFAULT_HEAD_BUCKET})
  --public-key KEY        Ed25519 public key, base64 or PEM [GUARD_AUDIT_PUBLIC_KEY]
  --public-key-file PATH  read the public key from a file
  --require-head          fail when records exist but no head was signed yet
  --json                  print the report as one JSON object
Exit status: 0 verified, 1 a problem was found, 2 could not verify (usage, unreachable).
`;

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

interface CliSettings {
  databaseUrl: string;
  natsUrl: string;
  bucket: string;
  publicKey: string;
  requireHead: boolean;
  json: boolean;
}

/**
 * `guard audit verify`: `args` are the arguments after `audit verify`, `env`
 * the process environment (read by the caller). Returns the exit status.
 */
export async function runAuditVerifyCli(args: readonly string[], env: Readonly<Record<string, string | undefined>>, out: CliOutput): Promise<number> {
  let settings: CliSettings | 'help';
  try {
    settings = await readSettings(args, env);
  } catch (error) {
    out.write(`guard audit verify: ${messageOf(error)}\n\n${AUDIT_VERIFY_USAGE}`);
    return 2;
  }
  if (settings === 'help') {
    out.write(AUDIT_VERIFY_USAGE);
    return 0;
  }
  let report: AuditVerifyReport;
  try {
    report = await verifyWith(settings);
  } catch (error) {
    out.write(`guard audit verify: could not verify: ${messageOf(error)}\n`);
    return 2;
  }
  out.write(settings.json ? `${JSON.stringify(report)}\n` : describeReport(report, settings));
  return report.ok ? 0 : 1;
}

async function readSettings(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<CliSettings | 'help'> {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      'database-url': { type: 'string' },
      'nats-url': { type: 'string' },
      bucket: { type: 'string' },
      'public-key': { type: 'string' },
      'public-key-file': { type: 'string' },
      'require-head': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const databaseUrl = values['database-url'] ?? env['DATABASE_URL'];
  if (!databaseUrl) throw new Error('no database: set DATABASE_URL or pass --database-url');
  const publicKey = values['public-key-file'] ? await readFile(values['public-key-file'], 'utf8') : (values['public-key'] ?? env['GUARD_AUDIT_PUBLIC_KEY']);
  if (!publicKey) throw new Error('no public key: set GUARD_AUDIT_PUBLIC_KEY or pass --public-key / --public-key-file');
  parsePublicKey(publicKey);
  return {
    databaseUrl,
    natsUrl: values['nats-url'] ?? env['NATS_URL'] ?? DEFAULT_NATS_URL,
    bucket: values.bucket ?? env['GUARD_AUDIT_HEAD_BUCKET'] ?? DEFAULT_HEAD_BUCKET,
    publicKey,
    requireHead: values['require-head'],
    json: values.json,
  };
}

async function verifyWith(settings: CliSettings): Promise<AuditVerifyReport> {
  const pool = createPool(settings.databaseUrl, { max: 2, applicationName: 'guard-audit-verify' });
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: settings.natsUrl, name: 'guard-audit-verify', timeout: 5_000, reconnect: false }).catch((error: unknown) => {
      throw new Error(`NATS at ${endpoint(settings.natsUrl)} is unreachable (${messageOf(error)})`);
    });
    const headStore = await NatsKvHeadStore.open(nc, { bucket: settings.bucket, create: false }).catch((error: unknown) => {
      throw new Error(`head store bucket ${settings.bucket} cannot be opened (${messageOf(error)})`);
    });
    return await verifyAudit({ pool, headStore, publicKey: settings.publicKey, requireSignedHead: settings.requireHead });
  } finally {
    await nc?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}

function describeReport(report: AuditVerifyReport, settings: CliSettings): string {
  if (!report.ok) {
    const { kind, seq, message } = report.problem;
    return `audit FAILED: ${kind} at seq ${seq}: ${message}\n(${report.records} records verified before it)\n`;
  }
  const lines = [`audit ok: ${report.records} records verified` + (report.tip ? `, chain tip seq ${report.tip.seq} (hash ${report.tip.hash.slice(0, 12)}…)` : '')];
  if (report.head) {
    lines.push(`latest signed head: seq ${report.head.seq}, signed at ${report.head.at} by key ${report.head.keyId}`);
  } else {
    const keyId = auditKeyId(parsePublicKey(settings.publicKey));
    lines.push(`warning: no signed chain head in bucket ${settings.bucket} for key ${keyId}: a truncated tail cannot be detected yet`);
  }
  return `${lines.join('\n')}\n`;
}

/** scheme://host:port only: URLs may carry credentials. */
function endpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable URL)';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
