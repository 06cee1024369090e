import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import type pg from 'pg';
import type { DataCipher } from '@homelab/secrets';
import type { CommandExecutor } from '../types.js';
import { diffContainer, inspectContainer, restoreContainer, snapshotContainer, type ContainerRestoreAction } from './container-snapshot.js';
import { CheckpointAlreadyRestoredError, CheckpointError } from './errors.js';
import { DEFAULT_MAX_FILE_BYTES, diffFile, restoreFile, snapshotFile, type FileRestoreAction } from './file-snapshot.js';
import type { CheckpointScope, CheckpointSnapshot } from './types.js';

export interface CheckpointServiceOptions {
  /** jarvis-guard's database (table `checkpoint`). */
  pool: pg.Pool;
  /** The executor of a host, for its files (the same one commands run through). */
  executorFor: (host: string) => CommandExecutor;
  /** The Docker Engine API of a host; needed only for checkpoints that name containers. */
  dockerFor?: (host: string) => Docker | undefined;
  /** Encrypts the payload at rest (file contents and container environments may be secrets). */
  cipher?: DataCipher;
  /** Per file. Default 1 MiB; bigger files make the checkpoint fail. */
  maxFileBytes?: number;
  /** Per host command (snapshot or restore of one file). Default 30 s. */
  commandTimeoutMs?: number;
}

export interface CreateCheckpointInput {
  host: string;
  command: string;
  caller: string;
  scope: CheckpointScope;
}

export interface CheckpointRecord {
  id: string;
  createdAt: Date;
  host: string;
  command: string;
  caller: string;
  scope: CheckpointScope;
  restoredAt: Date | null;
  encrypted: boolean;
}

export interface RollbackReport {
  checkpointId: string;
  restoredAt: Date;
  files: { path: string; action: FileRestoreAction }[];
  containers: { name: string; action: ContainerRestoreAction }[];
  /** What still differs from the checkpoint after restoring (empty when everything matches). */
  differences: string[];
}

/** The `payload` column: the snapshot in clear, or a DataCipher token bound to the row id. */
type StoredPayload = { encoding: 'plain'; snapshot: CheckpointSnapshot } | { encoding: 'data-cipher'; kid: string; token: string };

interface CheckpointRow {
  id: string;
  created_at: Date;
  host: string;
  command: string;
  caller: string;
  paths: string[];
  containers: string[];
  payload: StoredPayload;
  restored_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTAINER_REF = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function payloadAad(id: string): string {
  return `checkpoint:${id}:payload`;
}

export function validateScope(scope: CheckpointScope): CheckpointScope {
  const invalid = (problem: string): CheckpointError => new CheckpointError('INVALID_SCOPE', `Invalid checkpoint scope: ${problem}`);
  if (!Array.isArray(scope?.paths) || !Array.isArray(scope?.containers)) throw invalid('paths and containers must be lists');
  for (const path of scope.paths) {
    if (typeof path !== 'string' || !path.startsWith('/')) throw invalid(`path ${JSON.stringify(path)} is not absolute`);
    if (path.includes('\0')) throw invalid('a path contains a NUL byte');
    if (path.endsWith('/')) throw invalid(`path ${JSON.stringify(path)} names a directory; list the files`);
  }
  for (const name of scope.containers) {
    if (typeof name !== 'string' || !CONTAINER_REF.test(name)) throw invalid(`container ${JSON.stringify(name)} is not a container name or id`);
  }
  return { paths: [...new Set(scope.paths)], containers: [...new Set(scope.containers.map((name) => name.replace(/^\//, '')))] };
}

/**
 * Snapshots what an approved change may touch before it runs, stores it in
 * the `checkpoint` table and restores it on request — once. A plain class
 * (no framework) so the service, the CLI and the tests construct it alike.
 */
export class CheckpointService {
  readonly #maxFileBytes: number;
  readonly #timeoutMs: number;

  constructor(private readonly options: CheckpointServiceOptions) {
    this.#maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.#timeoutMs = options.commandTimeoutMs ?? 30_000;
  }

  /** Takes the snapshot and stores it; throws (storing nothing) when any part cannot be captured. */
  async create(input: CreateCheckpointInput): Promise<CheckpointRecord> {
    const scope = validateScope(input.scope);
    const snapshot = await this.snapshot(input.host, scope);
    const id = randomUUID();
    const payload = this.#seal(id, snapshot);
    const { rows } = await this.options.pool.query<{ created_at: Date }>(
      `INSERT INTO checkpoint (id, host, command, caller, paths, containers, payload)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb) RETURNING created_at`,
      [id, input.host, input.command, input.caller, JSON.stringify(scope.paths), JSON.stringify(scope.containers), JSON.stringify(payload)],
    );
    return {
      id,
      createdAt: rows[0]?.created_at ?? new Date(),
      host: input.host,
      command: input.command,
      caller: input.caller,
      scope,
      restoredAt: null,
      encrypted: payload.encoding === 'data-cipher',
    };
  }

  /** Captures the current state of `scope` on `host` without storing it. */
  async snapshot(host: string, scope: CheckpointScope): Promise<CheckpointSnapshot> {
    const executor = once(() => this.options.executorFor(host));
    const files = [];
    for (const path of scope.paths) {
      files.push(await snapshotFile(executor(), path, this.#maxFileBytes, { timeoutMs: this.#timeoutMs }));
    }
    const containers = [];
    if (scope.containers.length > 0) {
      const docker = this.#docker(host);
      for (const name of scope.containers) containers.push(await snapshotContainer(docker, name));
    }
    return { version: 1, files, containers };
  }

  async get(id: string): Promise<CheckpointRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const { rows } = await this.options.pool.query<CheckpointRow>('SELECT * FROM checkpoint WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Restores every file and container of the checkpoint and marks it
   * restored. The row stays locked while restoring, so a concurrent second
   * rollback waits and is then refused; if restoring fails, nothing is marked
   * and the rollback can be retried (each step is idempotent).
   */
  async rollback(id: string): Promise<RollbackReport> {
    if (!UUID.test(id)) throw new CheckpointError('NOT_FOUND', `No checkpoint ${JSON.stringify(id)}`);
    const client = await this.options.pool.connect();
    let done = false;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<CheckpointRow>('SELECT * FROM checkpoint WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      if (!row) throw new CheckpointError('NOT_FOUND', `No checkpoint ${id}`);
      if (row.restored_at) throw new CheckpointAlreadyRestoredError(id, row.restored_at);
      const snapshot = this.#open(row);
      const report = await this.#restore(row.host, snapshot);
      const updated = await client.query<{ restored_at: Date }>(
        'UPDATE checkpoint SET restored_at = now() WHERE id = $1 AND restored_at IS NULL RETURNING restored_at',
        [id],
      );
      await client.query('COMMIT');
      done = true;
      return { checkpointId: id, restoredAt: updated.rows[0]?.restored_at ?? new Date(), ...report };
    } finally {
      if (!done) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async #restore(host: string, snapshot: CheckpointSnapshot): Promise<Omit<RollbackReport, 'checkpointId' | 'restoredAt'>> {
    const executor = once(() => this.options.executorFor(host));
    const docker = once(() => this.#docker(host));
    const files: RollbackReport['files'] = [];
    const containers: RollbackReport['containers'] = [];
    const fileOptions = { timeoutMs: this.#timeoutMs };
    for (const file of snapshot.files) files.push({ path: file.path, action: await restoreFile(executor(), file, fileOptions) });
    for (const container of snapshot.containers) {
      containers.push({ name: container.name, action: await restoreContainer(docker(), container) });
    }
    // read everything back: the report says whether the host now matches the checkpoint
    const differences: string[] = [];
    for (const file of snapshot.files) {
      const now = await snapshotFile(executor(), file.path, Math.max(this.#maxFileBytes, file.exists ? file.size : 0), fileOptions);
      differences.push(...diffFile(file, now));
    }
    for (const container of snapshot.containers) {
      differences.push(...diffContainer(container, await inspectContainer(docker(), container.name)));
    }
    return { files, containers, differences };
  }

  #docker(host: string): Docker {
    const docker = this.options.dockerFor?.(host);
    if (!docker) throw new CheckpointError('NO_DOCKER', `No Docker Engine API is configured for host ${host}`);
    return docker;
  }

  #seal(id: string, snapshot: CheckpointSnapshot): StoredPayload {
    const cipher = this.options.cipher;
    if (!cipher) return { encoding: 'plain', snapshot };
    return { encoding: 'data-cipher', kid: cipher.activeKid, token: cipher.encrypt(JSON.stringify(snapshot), payloadAad(id)) };
  }

  #open(row: CheckpointRow): CheckpointSnapshot {
    const payload = row.payload;
    if (payload.encoding === 'plain') return payload.snapshot;
    if (!this.options.cipher) {
      throw new CheckpointError('CANNOT_DECRYPT', `Checkpoint ${row.id} is encrypted (key ${payload.kid}) and no cipher is configured`);
    }
    try {
      return JSON.parse(this.options.cipher.decryptString(payload.token, payloadAad(row.id))) as CheckpointSnapshot;
    } catch (error) {
      throw new CheckpointError('CANNOT_DECRYPT', `Checkpoint ${row.id} cannot be decrypted: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** Makes a value on first use (a host's executor or Docker client only when the checkpoint needs it). */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

function toRecord(row: CheckpointRow): CheckpointRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    host: row.host,
    command: row.command,
    caller: row.caller,
    scope: { paths: row.paths, containers: row.containers },
    restoredAt: row.restored_at,
    encrypted: row.payload.encoding === 'data-cipher',
  };
}
