import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serviceNames } from '@homelab/contracts';
import { freePort, natsUrl, uniqueSubjectPrefix, waitFor } from '@homelab/testing';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function processesInGroup(pgid: number): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((pid) => pid > 0);
}

async function portBase(): Promise<number> {
  // five consecutive free ports, in the same order as the defaults 3000–3004
  for (;;) {
    const base = (await freePort()) - 5;
    const ports = await Promise.all([0, 1, 2, 3, 4].map(async (i) => {
      const { createServer } = await import('node:net');
      return new Promise<boolean>((resolve) => {
        const s = createServer().once('error', () => resolve(false));
        s.listen(base + i, '127.0.0.1', () => s.close(() => resolve(true)));
      });
    }));
    if (base > 1024 && ports.every(Boolean)) return base;
  }
}

describe('npm start', () => {
  it('starts the whole stack on the embedded database, all healthy in 60 s, and Ctrl-C leaves nothing behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'homelab-start-'));
    const base = await portBase();
    const started = Date.now();
    const child = spawn(process.execPath, ['tools/start.mjs'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', HOMELAB_DATA_DIR: dataDir, HTTP_PORT_BASE: String(base), NATS_URL: natsUrl(), NATS_SUBJECT_PREFIX: uniqueSubjectPrefix('start') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const lines: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not up in time:\n${lines.join('\n')}`)), 120_000);
        child.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${lines.join('\n')}`)));
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          if (line.startsWith('Logs: ')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const output = lines.join('\n');
      for (const [i, service] of ['dashboard', 'stream-bot', 'discord-bot', 'jarvis-guard', 'automation'].entries()) {
        expect(output).toContain(`http://localhost:${base + i}`);
        const health = await fetch(`http://127.0.0.1:${base + i}/health`);
        expect(health.status, service).toBe(200);
      }
      // first start: the launcher prints the one-time setup link; the admin account is made through it
      const token = /First start: create the admin account at http:\/\/localhost:\d+\/setup#token=(\S+)/.exec(output)?.[1];
      expect(token, 'setup link printed').toBeTruthy();
      const dashboardUrl = `http://localhost:${base}`;
      const setup = await fetch(`${dashboardUrl}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: dashboardUrl },
        body: JSON.stringify({ token, username: 'admin', password: 'first-start-admin-passphrase' }),
      });
      expect(setup.status).toBe(201);
      const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect((await fetch(`${dashboardUrl}/api/services`)).status).toBe(401);
      // the overview is kept fresh by heartbeats and a health request every few seconds: all five turn up
      const listed = await waitFor(
        async () => {
          const body = (await (await fetch(`${dashboardUrl}/api/services`, { headers: { cookie } })).json()) as { services: { name: string; status: string }[] };
          return body.services.every((s) => s.status === 'up') ? body : undefined;
        },
        { timeoutMs: 15_000, message: 'all five services up in /api/services' },
      );
      expect(listed.services.map((s) => s.name).sort()).toEqual([...serviceNames].sort());
      // the 60 s budget counts from the command; the build before it is incremental here
      expect(Date.now() - started).toBeLessThan(90_000);

      // secrets made for this machine: files only the owner can read
      for (const name of ['data_encryption_keys', 'guard_audit_signing_key', 'dashboard_setup_token']) {
        expect(statSync(join(dataDir, 'secrets', name)).mode & 0o777).toBe(0o600);
      }

      const pgid = child.pid as number;
      const stopping = Date.now();
      process.kill(-pgid, 'SIGINT');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      // services drain NATS and close their databases within their 10 s budget
      expect(Date.now() - stopping).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(processesInGroup(pgid)).toEqual([]);
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
