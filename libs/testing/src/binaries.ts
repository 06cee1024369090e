import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = 'apt-get install -y nats-server postgresql';

export class MissingBinaryError extends Error {
  constructor(what: string) {
    super(`${what} not found on PATH — install it: ${INSTALL_HINT}`);
    this.name = 'MissingBinaryError';
    // one actionable line; a stack trace adds nothing here
    this.stack = `${this.name}: ${this.message}`;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on PATH, then in `fallbacks` (full paths). */
export function findExecutable(name: string, fallbacks: readonly string[] = []): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  return [...dirs.map((dir) => join(dir, name)), ...fallbacks].find(isExecutable);
}

export function natsServerBinary(): string {
  const found = findExecutable('nats-server', ['/usr/sbin/nats-server', '/usr/local/sbin/nats-server']);
  if (!found) throw new MissingBinaryError('nats-server');
  return found;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

/** Debian installs server binaries off PATH, one directory per major version; prefer the newest. */
function debianPostgresBinDirs(): string[] {
  let versions: string[];
  try {
    versions = readdirSync(DEBIAN_POSTGRES_ROOT);
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(DEBIAN_POSTGRES_ROOT, v, 'bin'));
}

export function postgresBinaries(): PostgresBinaries {
  for (const dir of debianPostgresBinDirs()) {
    const initdb = join(dir, 'initdb');
    const postgres = join(dir, 'postgres');
    if (isExecutable(initdb) && isExecutable(postgres)) return { initdb, postgres };
  }
  const initdb = findExecutable('initdb');
  const postgres = findExecutable('postgres');
  if (!initdb || !postgres) throw new MissingBinaryError('PostgreSQL server (initdb/postgres)');
  return { initdb, postgres };
}
