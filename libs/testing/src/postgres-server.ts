import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { postgresBinaries } from './binaries.js';
import { describeExit, forgetTempDir, rememberTempDir, runCommand, spawnManaged } from './child-process.js';
import { assertPortFree, freePort } from './ports.js';

export interface PostgresServerOptions {
  /** Port to listen on (127.0.0.1); a free one by default. */
  port?: number;
  /** How long to wait for the server to accept queries. Defaults to 30 s. */
  readyTimeoutMs?: number;
}

/** A private, throwaway PostgreSQL cluster (trust auth, superuser `postgres`). */
export interface PostgresServerHandle {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Fast shutdown, then delete the cluster's files. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so under root (CI containers) the
 * cluster is created and run as `nobody` via spawn's uid/gid (which also drops
 * supplementary groups).
 */
async function unprivilegedUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const fallback = { uid: 65534, gid: 65534 };
  try {
    const passwd = await readFile('/etc/passwd', 'utf8');
    const entry = passwd.split('\n').find((line) => line.startsWith('nobody:'));
    const [, , uid, gid] = entry?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : fallback;
  } catch {
    return fallback;
  }
}

/** Whether every directory from `dir` up to / lets other users pass through. */
function traversableByOthers(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (dirname(current) === current) return true;
  }
}

function tempBase(runAs: RunAs | undefined): string {
  const base = tmpdir();
  return !runAs || traversableByOthers(base) ? base : '/tmp';
}

export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServerHandle> {
  const binaries = postgresBinaries();
  const runAs = await unprivilegedUser();
  const root = await mkdtemp(join(tempBase(runAs), 'homelab-pg-'));
  rememberTempDir(root);
  const removeRoot = async (): Promise<void> => {
    await rm(root, { recursive: true, force: true });
    forgetTempDir(root);
  };

  try {
    if (runAs) await chown(root, runAs.uid, runAs.gid);
    const dataDir = join(root, 'data');
    const spawnOptions = { cwd: root, ...runAs };
    await runCommand(
      binaries.initdb,
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
      spawnOptions,
    );

    const port = options.port ?? (await freePort());
    await assertPortFree(port, 'PostgreSQL');
    const server = spawnManaged(
      binaries.postgres,
      [
        ['-D', dataDir],
        ['-p', String(port)],
        ['-k', root],
        ['-c', 'listen_addresses=127.0.0.1'],
        // durability is pointless for a throwaway cluster and costs seconds
        ['-c', 'fsync=off'],
        ['-c', 'synchronous_commit=off'],
        ['-c', 'full_page_writes=off'],
        ['-c', 'max_connections=200'],
      ].flat(),
      { ...spawnOptions, emergencySignal: 'SIGQUIT' },
    );
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const stop = async (): Promise<void> => {
      await server.stop('SIGINT', 15_000);
      await removeRoot();
    };

    try {
      await waitUntilReady(url, options.readyTimeoutMs ?? 30_000, server.exited.then((info) => describeExit('postgres', info, server.output())));
    } catch (error) {
      await server.stop('SIGKILL');
      throw error;
    }

    return {
      url,
      port,
      get pid() {
        return server.running ? server.child.pid : undefined;
      },
      stop,
    };
  } catch (error) {
    await removeRoot();
    throw error;
  }
}

async function waitUntilReady(url: string, timeoutMs: number, died: Promise<string>): Promise<void> {
  let death: string | undefined;
  void died.then((message) => {
    death = message;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (death) throw new Error(death);
    if (await probePostgres(url, 1_000)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(death ?? `PostgreSQL did not accept queries within ${timeoutMs} ms`);
}

/** Connects and runs `select 1`; false when that does not succeed within `timeoutMs`. */
export async function probePostgres(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
