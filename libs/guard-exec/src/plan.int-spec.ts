import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, generateSshKeyPair } from '@homelab/testing';
import type { SshHostConfig } from './hosts.js';
import { planExecution } from './plan.js';
import { shellQuote } from './shell-quote.js';

describe('planExecution (dry-run)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'guard-exec-plan-'));
  const marker = join(scratch, 'ran');
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  let sshHost: SshHostConfig;

  beforeAll(async () => {
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const key = await generateSshKeyPair();
    sshHost = {
      kind: 'ssh',
      name: 'nas',
      host: '127.0.0.1',
      port,
      username: 'jarvis',
      privateKey: key.privateKey,
      hostKeySha256: `SHA256:${Buffer.alloc(32, 1).toString('base64').replace(/=+$/, '')}`,
    };
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('describes a local run without starting it', async () => {
    const plan = planExecution({
      host: { kind: 'local', name: 'guard-host' },
      command: `touch ${marker}`,
      checkpoint: { paths: ['/etc/hosts'], containers: [] },
      timeoutMs: 5_000,
    });
    expect(plan).toMatchObject({
      dryRun: true,
      host: 'guard-host',
      transport: 'local',
      target: 'local',
      command: `touch ${marker}`,
      invocation: `/bin/sh -c ${shellQuote(`touch ${marker}`)}`,
      timeoutMs: 5_000,
      checkpoint: { paths: ['/etc/hosts'], containers: [] },
    });
    expect(Object.keys(plan.environment).sort()).toEqual(['HOME', 'LANG', 'PATH']);
    await sleep(100);
    expect(existsSync(marker)).toBe(false);
  });

  it('describes an SSH run — target, user, pinned key, exact exec string — without connecting', async () => {
    const plan = planExecution({
      host: sshHost,
      command: `touch ${marker}`,
      checkpoint: { paths: ['/etc/nginx/nginx.conf'], containers: ['nginx'] },
    });
    expect(plan).toMatchObject({
      transport: 'ssh',
      target: `jarvis@127.0.0.1:${sshHost.port}`,
      user: 'jarvis',
      hostKeySha256: sshHost.hostKeySha256,
      checkpoint: { paths: ['/etc/nginx/nginx.conf'], containers: ['nginx'] },
    });
    expect(plan.invocation).toContain(shellQuote(`touch ${marker}`));
    expect(plan.invocation).toContain('env -i');
    expect(JSON.stringify(plan)).not.toContain('PRIVATE KEY');
    await sleep(200);
    expect(connections).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('says when no checkpoint would be taken', () => {
    expect(planExecution({ host: sshHost, command: 'uptime' }).checkpoint).toBeNull();
    expect(planExecution({ host: sshHost, command: 'uptime', checkpoint: { paths: [], containers: [] } }).checkpoint).toBeNull();
  });
});
