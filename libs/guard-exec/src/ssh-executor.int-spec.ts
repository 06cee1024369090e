import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, generateSshKeyPair, startSshd, waitFor, type SshdHandle } from '@homelab/testing';
import { createSecretStore, Redactor } from '@homelab/secrets';
import { ExecAbortedError, ExecError, SshAuthenticationError, SshHostKeyMismatchError } from './errors.js';
import { createExecutor, resolveSshHost } from './hosts.js';
import { SCRUBBED_PATH } from './local-executor.js';
import { outputDigest } from './output.js';
import { SshExecutor, type SshConnectionConfig } from './ssh-executor.js';

const run = { timeoutMs: 15_000, maxOutputBytes: 1024 * 1024 };

function processesMatching(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function uniqueSleep(): string {
  return `200.${randomInt(100_000, 999_999)}`;
}

/** A TCP server that accepts and then says nothing: the SSH handshake never starts. */
async function silentServer(): Promise<{ port: number; close(): Promise<void>; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('SshExecutor against a real sshd', () => {
  let sshd: SshdHandle;
  let config: SshConnectionConfig;
  let executor: SshExecutor;

  beforeAll(async () => {
    sshd = await startSshd();
    config = { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, hostKeySha256: sshd.hostKeySha256 };
    executor = new SshExecutor(config, { killGraceMs: 500, connectTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('returns exit code, stdout and stderr of the remote command', async () => {
    const result = await executor.run("printf 'out'; printf 'err' >&2; exit 7", run);
    expect(result).toMatchObject({ exitCode: 7, signal: null, stdout: 'out', stderr: 'err', truncated: false, timedOut: false });
    expect(result.outputSha256).toBe(outputDigest('out', 'err'));
  });

  it('passes the command through quoting intact', async () => {
    const result = await executor.run(`printf '%s|' "it's" '$HOME' "a  b"; echo`, run);
    expect(result.stdout).toBe(`it's|$HOME|a  b|\n`);
  });

  it('gives the command a scrubbed environment: nothing of the guard, nothing of the SSH login', async () => {
    process.env['GUARD_TEST_SECRET_TOKEN'] = 'hunter2-do-not-leak';
    try {
      const result = await executor.run('env', run);
      const names = result.stdout.trim().split('\n').map((line) => line.split('=')[0]).sort();
      expect(names.filter((name) => name !== 'PWD')).toEqual(['HOME', 'LANG', 'PATH']);
      expect(result.stdout).toContain(`PATH=${SCRUBBED_PATH}\n`);
      expect(result.stdout).not.toContain('hunter2');
      expect(result.stdout).not.toContain('SSH_CONNECTION');
      expect(result.stdout).not.toContain('SSH_AUTH_SOCK');
    } finally {
      delete process.env['GUARD_TEST_SECRET_TOKEN'];
    }
  });

  it('runs without a terminal and with stdin at end-of-file', async () => {
    const result = await executor.run('if [ -t 0 ] || [ -t 1 ]; then echo tty; else echo no-tty; fi; cat; echo "eof $?"', run);
    expect(result.stdout).toBe('no-tty\neof 0\n');
  });

  it('on timeout kills the whole remote process tree', async () => {
    const duration = uniqueSleep();
    const started = Date.now();
    const result = await executor.run(`echo started; sleep ${duration} & sleep ${duration}; wait`, { ...run, timeoutMs: 1_000 });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(8_000);
    // sshd runs on this machine, so its processes are visible here
    await waitFor(() => processesMatching(`sleep ${duration}`).length === 0, { timeoutMs: 3_000, message: 'remote sleeps to be gone' });
  });

  it('kills a remote tree that ignores SIGTERM', async () => {
    const duration = uniqueSleep();
    const result = await executor.run(`trap '' TERM; sleep ${duration} & sleep ${duration}; wait`, { ...run, timeoutMs: 800 });
    expect(result.timedOut).toBe(true);
    await waitFor(() => processesMatching(`sleep ${duration}`).length === 0, { timeoutMs: 3_000, message: 'remote sleeps to be gone' });
  });

  it('abort kills the remote tree and rejects with the partial result', async () => {
    const duration = uniqueSleep();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_000);
    const error = await executor.run(`echo partial; sleep ${duration} & wait`, { ...run, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecAbortedError);
    expect((error as ExecAbortedError).partial?.stdout).toBe('partial\n');
    await waitFor(() => processesMatching(`sleep ${duration}`).length === 0, { timeoutMs: 3_000, message: 'remote sleeps to be gone' });
  });

  it('takes the private key from the secrets lib', async () => {
    const secrets = createSecretStore({ GUARD_SSH_KEY_LAB: sshd.privateKey }, undefined, { redactor: new Redactor() });
    const host = await resolveSshHost(
      { name: 'lab', host: sshd.host, port: sshd.port, username: sshd.username, hostKeySha256: sshd.hostKeySha256, privateKeySecret: 'GUARD_SSH_KEY_LAB' },
      secrets,
    );
    expect(host).toMatchObject({ kind: 'ssh', name: 'lab', privateKey: sshd.privateKey });
    expect((await createExecutor(host).run('echo via-secret', run)).stdout).toBe('via-secret\n');
    await expect(resolveSshHost({ ...host, privateKeySecret: 'GUARD_SSH_KEY_MISSING' }, secrets)).rejects.toThrow(/GUARD_SSH_KEY_MISSING/);
  });

  it('caps the output and keeps draining the channel', async () => {
    const result = await executor.run('yes | head -c 10000000; echo done >&2', { ...run, maxOutputBytes: 8192 });
    expect(result).toMatchObject({ exitCode: 0, truncated: true, timedOut: false });
    expect(result.stdout).toBe('y\n'.repeat(4096));
  });

  it('moves input bytes over stdin', async () => {
    const result = await executor.run('sha256sum', { ...run, input: Buffer.from('hello') });
    expect(result.stdout.startsWith('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824')).toBe(true);
  });

  it('refuses a host whose key is not the pinned one (no trust on first use)', async () => {
    const wrongPin = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;
    const error = await new SshExecutor({ ...config, hostKeySha256: wrongPin }).run('touch /tmp/never', run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshHostKeyMismatchError);
    expect((error as SshHostKeyMismatchError).presented).toBe(sshd.hostKeySha256);
    expect((error as Error).message).toContain(wrongPin);
  });

  it('reports a key the server does not accept as an authentication failure, without key material', async () => {
    const stranger = await generateSshKeyPair();
    const error = await new SshExecutor({ ...config, privateKey: stranger.privateKey }).run('true', run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthenticationError);
    expect((error as Error).message).toMatch(/authentication failed for .*@127\.0\.0\.1:\d+/);
    expect((error as Error).message).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(error)).not.toContain(stranger.privateKey.split('\n')[1]);
  });

  it('refuses a malformed private key up front, without echoing it', () => {
    const garbage = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key-c2VjcmV0\n-----END OPENSSH PRIVATE KEY-----\n';
    const attempt = (): SshExecutor => new SshExecutor({ ...config, privateKey: garbage });
    expect(attempt).toThrow(ExecError);
    expect(attempt).toThrow(/cannot be used/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('c2VjcmV0');
    }
  });

  it('refuses a configuration without a proper host key pin', () => {
    expect(() => new SshExecutor({ ...config, hostKeySha256: '' })).toThrow(/pinned fingerprint/);
    expect(() => new SshExecutor({ ...config, hostKeySha256: 'md5:aa:bb' })).toThrow(/pinned fingerprint/);
  });

  it('gives up connecting after the connect timeout', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const error = await new SshExecutor({ ...config, port: silent.port }, { connectTimeoutMs: 500 }).run('true', run).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SSH_CONNECT_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await silent.close();
    }
  });

  it('reports a refused connection clearly', async () => {
    const port = await freePort();
    const error = await new SshExecutor({ ...config, port }).run('true', run).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SSH_CONNECTION_FAILED' });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
