import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAuditSigningKey } from '@homelab/guard-audit';
import { generateKey } from '@homelab/secrets';

/**
 * Secrets `npm start` creates once for a single machine, kept as files under
 * the data directory (mode 600) and passed to the services as `*_FILE`, so
 * encryption at rest and the signed audit head are on from the first start.
 * Values already given in the environment win.
 */
export function ensureLocalSecrets(dataDir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: Record<string, string> = {};
  const ensure = (name: string, create: () => string): void => {
    if (env[name] || env[`${name}_FILE`]) return;
    const path = join(dir, name.toLowerCase());
    if (!existsSync(path)) writeFileSync(path, `${create()}\n`, { mode: 0o600 });
    files[`${name}_FILE`] = path;
  };
  ensure('DATA_ENCRYPTION_KEYS', () => `k1:${generateKey()}`);
  ensure('GUARD_AUDIT_SIGNING_KEY', () => generateAuditSigningKey().privateKey);
  return files;
}
