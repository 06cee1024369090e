import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface NatsHandle {
  url: string;
  startedHere: boolean;
  stop(): Promise<void>;
}

export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function findNatsServer(): string | undefined {
  for (const candidate of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) {
    if (existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

function installNatsServer(log: (line: string) => void): string {
  if (process.getuid?.() !== 0) {
    throw new Error('nats-server is not installed: run `sudo apt-get install -y nats-server` (or set NATS_URL to a running NATS)');
  }
  log('• Installing nats-server with apt-get…');
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'nats-server'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const binary = findNatsServer();
  if (update.status !== 0 || install.status !== 0 || !binary) {
    throw new Error('Could not install nats-server with apt-get; install it yourself or set NATS_URL');
  }
  return binary;
}

/** Uses the NATS at `url` when it answers; otherwise starts nats-server with JetStream on that port. */
export async function ensureNats(url: string, dataDir: string, log: (line: string) => void): Promise<NatsHandle> {
  const first = new URL(url.split(',')[0] ?? url);
  const host = first.hostname || '127.0.0.1';
  const port = Number(first.port || 4222);
  if (await canConnect(host, port)) return { url, startedHere: false, stop: async () => undefined };
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`NATS at ${url} is not reachable (it is not on this machine, so it is not started here)`);
  }
  const binary = findNatsServer() ?? installNatsServer(log);
  const storeDir = join(dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const child: ChildProcess = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const started = Date.now();
  while (!(await canConnect('127.0.0.1', port, 200))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not start on port ${port}: ${stderr.trim().split('\n').at(-1) ?? 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    startedHere: true,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
