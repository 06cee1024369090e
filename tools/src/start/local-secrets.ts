import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAuditSigningKey } from '@homelab/guard-audit';
import { generateKey } from '@homelab/secrets';

export interface LocalSecrets {
  /** `<NAME>_FILE` variables every service gets. */
  shared: Record<string, string>;
  /** `<NAME>_FILE` variables only the dashboard gets. */
  dashboard: Record<string, string>;
  /** The dashboard's one-time setup token, when `npm start` made it (printed with the setup link). */
  setupToken: string | undefined;
}

/**
 * Secrets `npm start` creates once for a single machine, kept as files under
 * the data directory (mode 600) and passed to the services as `*_FILE`, so
 * encryption at rest and the signed audit head are on from the first start,
 * and the dashboard's first account can be made through its setup page.
 * Values already given in the environment win.
 */
export function ensureLocalSecrets(dataDir: string, env: NodeJS.ProcessEnv): LocalSecrets {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ensure = (files: Record<string, string>, name: string, create: () => string): string | undefined => {
    if (env[name] || env[`${name}_FILE`]) return undefined;
    const path = join(dir, name.toLowerCase());
    if (!existsSync(path)) writeFileSync(path, `${create()}\n`, { mode: 0o600 });
    files[`${name}_FILE`] = path;
    return readFileSync(path, 'utf8').trim();
  };
  const shared: Record<string, string> = {};
  ensure(shared, 'DATA_ENCRYPTION_KEYS', () => `k1:${generateKey()}`);
  ensure(shared, 'GUARD_AUDIT_SIGNING_KEY', () => generateAuditSigningKey().privateKey);
  const dashboard: Record<string, string> = {};
  const setupToken = env['DASHBOARD_ADMIN_PASSWORD'] || env['DASHBOARD_ADMIN_PASSWORD_FILE']
    ? undefined
    : ensure(dashboard, 'DASHBOARD_SETUP_TOKEN', () => randomBytes(24).toString('base64url'));
  return { shared, dashboard, setupToken };
}
