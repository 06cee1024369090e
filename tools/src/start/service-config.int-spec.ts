import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serviceNames } from '@homelab/contracts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function start(service: string, env: Record<string, string>) {
  const entry = `${root}apps/${service}/dist/main.js`;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  return spawnSync(process.execPath, [entry], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('a service with bad configuration', () => {
  it.each(serviceNames)('%s stops at once with one line naming the variable', (service) => {
    const result = start(service, { DATABASE_URL: 'postgresql://u:sup3rsecret@127.0.0.1:1/x', HTTP_PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Invalid configuration: HTTP_PORT must be a port number (got "eighty")\n');
  });

  it('names a missing variable and never prints a secret', () => {
    const missing = start('jarvis-guard', {});
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('Invalid configuration: DATABASE_URL is required but not set\n');

    const badSecret = start('jarvis-guard', { DATABASE_URL: 'mysql://root:sup3rsecret@db/x' });
    expect(badSecret.status).toBe(1);
    expect(badSecret.stderr.trim().split('\n')).toHaveLength(1);
    expect(badSecret.stderr).toContain('DATABASE_URL');
    expect(badSecret.stderr).not.toContain('sup3rsecret');
  });

  it('reads a secret from a *_FILE that does not exist: one line naming the variable', () => {
    const result = start('automation', { DATABASE_URL_FILE: '/nonexistent/database_url' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('DATABASE_URL_FILE');
  });
});
