import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import type { AlertSink } from '@homelab/dashboard-monitors';
import { redactor, type DataCipher } from '@homelab/secrets';
import type { Logger } from '@homelab/tracing';
import { BackupFileStore } from './backup-file-store.js';
import { nextRunOf } from './backup-schedule.js';
import { BackupScheduler } from './backup-scheduler.js';
import { ContainerHealthReader } from './container-health.reader.js';
import type { Backup, DatabaseCredentials, ManagedDatabase, Restore, TemplateSummary } from './database.types.js';
import { DatabaseBackupRepository, toBackup, type BackupRecord } from './database-backup.repository.js';
import { backupAlertKey, DatabaseBackupService } from './database-backup.service.js';
import {
  ConfirmationRequiredError,
  DatabaseNotFoundError,
  DatabaseNotReadyError,
  EncryptionKeysMissingError,
  PasswordUnreadableError,
  RestoreInProgressError,
} from './database-errors.js';
import { dockerNames } from './database-naming.js';
import { DatabaseProvisioner } from './database-provisioner.js';
import {
  createDatabaseRequest,
  deleteDatabaseRequest,
  parseRequest,
  restoreDatabaseRequest,
  updateDatabaseRequest,
} from './database-requests.js';
import { DatabaseRestoreRepository } from './database-restore.repository.js';
import { DatabaseRestoreService } from './database-restore.service.js';
import { isNotFound, translateDockerError } from './docker-errors.js';
import { ManagedDatabaseRepository, type DatabaseRecord } from './managed-database.repository.js';
import { generatePassword } from './password.js';
import { templateFor, templateSummaries } from './templates/templates.js';

export interface DatabasesServiceOptions {
  pool: pg.Pool;
  registry: DockerHostRegistry;
  /** `runtime.cipher`: without it nothing is created (passwords are stored only encrypted). */
  cipher: DataCipher | undefined;
  alerts: AlertSink;
  logger: Logger;
  /** BACKUP_DIR. */
  backupDir: string;
  /** DATABASE_BACKUP_SCHEDULE and DATABASE_BACKUP_RETENTION: what a new database gets unless the request says. */
  defaultSchedule: string;
  defaultRetention: number;
  /** Tunables with production defaults; tests shorten them. */
  timing?: Partial<DatabasesTiming>;
}

export interface DatabasesTiming {
  readyTimeoutMs: number;
  readyPollMs: number;
  pullTimeoutMs: number;
  backupTimeoutMs: number;
  schedulerRefreshMs: number;
  catchUpMs: number;
  healthCacheMs: number;
  /** How long shutdown waits for running work to stop. */
  shutdownWaitMs: number;
}

const DEFAULT_TIMING: DatabasesTiming = {
  readyTimeoutMs: 180_000,
  readyPollMs: 1000,
  pullTimeoutMs: 30 * 60_000,
  backupTimeoutMs: 2 * 3600_000,
  schedulerRefreshMs: 60_000,
  catchUpMs: 15 * 60_000,
  healthCacheMs: 5000,
  shutdownWaitMs: 2000,
};

const LOOPBACK = '127.0.0.1';
const WILDCARD_ADDRESSES = new Set(['', '0.0.0.0', '::']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The associated data binding a password token to its row, so a token copied to another row does not decrypt. */
const passwordAad = (id: string): string => `managed_database:${id}:password`;

/**
 * One-click databases: create from a template, list with live health, change
 * the backup policy, back up and restore, reveal credentials, delete. The
 * HTTP layer validates nothing itself: every body goes through this class's
 * zod schemas.
 */
export class DatabasesService {
  readonly databases: ManagedDatabaseRepository;
  readonly backupRecords: DatabaseBackupRepository;
  readonly restoreRecords: DatabaseRestoreRepository;
  readonly files: BackupFileStore;
  readonly backupService: DatabaseBackupService;
  readonly restoreService: DatabaseRestoreService;
  readonly scheduler: BackupScheduler;
  private readonly provisioner: DatabaseProvisioner;
  private readonly health: ContainerHealthReader;
  private readonly timing: DatabasesTiming;
  readonly #creations = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(private readonly options: DatabasesServiceOptions) {
    const timing = { ...DEFAULT_TIMING, ...options.timing };
    this.timing = timing;
    const { pool, registry, logger } = options;
    this.databases = new ManagedDatabaseRepository(pool);
    this.backupRecords = new DatabaseBackupRepository(pool);
    this.restoreRecords = new DatabaseRestoreRepository(pool);
    this.files = new BackupFileStore(options.backupDir);
    this.provisioner = new DatabaseProvisioner({
      registry,
      databases: this.databases,
      logger,
      readyTimeoutMs: timing.readyTimeoutMs,
      pollMs: timing.readyPollMs,
      pullTimeoutMs: timing.pullTimeoutMs,
    });
    this.backupService = new DatabaseBackupService({
      backups: this.backupRecords,
      files: this.files,
      registry,
      alerts: options.alerts,
      logger,
      timeoutMs: timing.backupTimeoutMs,
    });
    this.restoreService = new DatabaseRestoreService({
      restores: this.restoreRecords,
      backups: this.backupRecords,
      backupService: this.backupService,
      files: this.files,
      registry,
      logger,
      timeoutMs: timing.backupTimeoutMs,
    });
    this.scheduler = new BackupScheduler({
      databases: this.databases,
      backups: this.backupRecords,
      restores: this.restoreRecords,
      backupService: this.backupService,
      files: this.files,
      logger,
      refreshMs: timing.schedulerRefreshMs,
      catchUpMs: timing.catchUpMs,
      // a live dump or restore is never mistaken for an abandoned one
      staleAfterMs: timing.backupTimeoutMs * 2 + 60_000,
      staleCreationAfterMs: timing.readyTimeoutMs * 2 + 600_000,
    });
    this.health = new ContainerHealthReader(registry, timing.healthCacheMs);
  }

  /** Starts the backup schedules (every replica; each slot runs once). */
  start(): void {
    this.scheduler.start();
  }

  /** Stops schedules and aborts running work (recorded as failed/interrupted); bounded by `shutdownWaitMs`. */
  async stop(): Promise<void> {
    this.scheduler.stop();
    const wait = this.timing.shutdownWaitMs;
    for (const creation of this.#creations.values()) creation.abort.abort();
    await Promise.allSettled([
      this.backupService.shutdown(wait),
      this.restoreService.shutdown(wait),
      Promise.race([Promise.allSettled([...this.#creations.values()].map((c) => c.done)), new Promise((resolve) => setTimeout(resolve, wait).unref())]),
    ]);
  }

  templates(): TemplateSummary[] {
    return templateSummaries();
  }

  async list(): Promise<ManagedDatabase[]> {
    const records = await this.databases.list();
    const latest = await this.backupRecords.latest(records.map((r) => r.id));
    return Promise.all(records.map((record) => this.present(record, latest.get(record.id))));
  }

  async get(id: string): Promise<ManagedDatabase> {
    const record = await this.require(id);
    return this.present(record, (await this.backupRecords.latest([record.id])).get(record.id));
  }

  /** Records the database (`creating`) and provisions it in the background; the answer comes at once. */
  async create(body: unknown, createdBy: string | null): Promise<ManagedDatabase> {
    const request = parseRequest(createDatabaseRequest, body);
    const cipher = this.options.cipher;
    if (!cipher) throw new EncryptionKeysMissingError();
    const host = request.host ?? this.options.registry.defaultHost();
    this.options.registry.client(host); // 404 DOCKER_HOST_UNKNOWN before anything is recorded
    const template = templateFor(request.engine);
    const id = randomUUID();
    const password = generatePassword();
    redactor.register(password);
    const identity = template.identity(request.name);
    const record = await this.databases.insert({
      id,
      name: request.name,
      engine: request.engine,
      dockerHost: host,
      ...dockerNames(request.name),
      image: template.image,
      hostPort: request.hostPort ?? null,
      username: identity.username,
      databaseName: identity.databaseName,
      passwordSecret: cipher.encrypt(password, passwordAad(id)),
      backupSchedule: request.backupSchedule === undefined ? this.options.defaultSchedule : request.backupSchedule,
      backupRetention: request.backupRetention ?? this.options.defaultRetention,
      createdBy,
    });
    this.options.logger.info({ database: record.name, engine: record.engine, host, by: createdBy }, 'creating one-click database');
    const abort = new AbortController();
    const done = this.provisioner
      .provision({ record, password, bindAddress: request.bindAddress ?? LOOPBACK, signal: abort.signal })
      .then(() => this.scheduler.refresh())
      .finally(() => this.#creations.delete(id));
    this.#creations.set(id, { abort, done });
    return this.present(record, undefined);
  }

  /** Settles when the creation started here has finished (tests; the API polls instead). */
  async creationSettled(id: string): Promise<void> {
    await this.#creations.get(id)?.done;
  }

  async update(id: string, body: unknown): Promise<ManagedDatabase> {
    const request = parseRequest(updateDatabaseRequest, body);
    const record = await this.require(id);
    if (record.status === 'removed') throw new DatabaseNotReadyError(record.name, record.status);
    const schedule = request.backupSchedule === undefined ? record.backupSchedule : request.backupSchedule;
    const updated = (await this.databases.updateBackupPolicy(id, schedule, request.backupRetention ?? record.backupRetention)) ?? record;
    await this.scheduler.refresh();
    if (request.backupRetention !== undefined && updated.status === 'ready') await this.backupService.prune(updated);
    return this.get(updated.id);
  }

  /**
   * Removes the container (and the volume if asked). Backup files stay unless
   * `removeBackups`; while any do, the row stays as `removed` so they remain
   * listed.
   */
  async remove(id: string, body: unknown): Promise<void> {
    const request = parseRequest(deleteDatabaseRequest, body);
    const record = await this.require(id);
    if (request.confirm !== record.name) throw new ConfirmationRequiredError(record.name, `delete database "${record.name}"`);
    if (record.status === 'creating') throw new DatabaseNotReadyError(record.name, 'still being created; wait until it is ready or failed');
    if (await this.restoreRecords.isRunning(record.id)) throw new RestoreInProgressError(record.name);
    if (record.status !== 'removed') await this.removeDockerObjects(record, request.removeVolume === true);
    const kept = await this.backupRecords.succeeded(record.id);
    if (request.removeBackups) for (const backup of kept) if (backup.file) await this.files.remove(backup.file);
    if (request.removeBackups || kept.length === 0) await this.databases.delete(record.id);
    else await this.databases.markRemoved(record.id);
    await this.scheduler.refresh();
    await this.options.alerts.resolve(backupAlertKey(record.name)).catch(() => undefined);
    this.health.forget(record.dockerHost, record.containerId ?? record.containerName);
    this.options.logger.info(
      { database: record.name, removeVolume: request.removeVolume === true, backupsKept: request.removeBackups ? 0 : kept.length },
      'one-click database deleted',
    );
  }

  private async removeDockerObjects(record: DatabaseRecord, removeVolume: boolean): Promise<void> {
    try {
      const docker = this.options.registry.client(record.dockerHost);
      await docker
        .getContainer(record.containerId ?? record.containerName)
        .remove({ force: true })
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      if (removeVolume) {
        await docker
          .getVolume(record.volume)
          .remove()
          .catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
      }
    } catch (error) {
      throw translateDockerError(record.dockerHost, error);
    }
  }

  /** Decrypts the password for an admin; logged (who, which database), the password never is. */
  async credentials(id: string, requestedBy: string | null): Promise<DatabaseCredentials> {
    const record = await this.require(id);
    if (record.status === 'removed') throw new DatabaseNotReadyError(record.name, record.status);
    const password = this.decryptPassword(record);
    const template = templateFor(record.engine);
    const target = record.hostPort === null ? { host: record.containerName, port: template.port } : { host: await this.reachableHost(record), port: record.hostPort };
    this.options.logger.info({ database: record.name, by: requestedBy }, 'database credentials revealed');
    return {
      username: record.username,
      password,
      database: record.databaseName,
      ...target,
      connectionString: template.connectionString({ username: record.username, password, databaseName: record.databaseName, ...target }),
    };
  }

  private decryptPassword(record: DatabaseRecord): string {
    const cipher = this.options.cipher;
    if (!cipher) throw new EncryptionKeysMissingError();
    try {
      const password = cipher.decryptString(record.passwordSecret, passwordAad(record.id));
      redactor.register(password);
      return password;
    } catch (error) {
      throw new PasswordUnreadableError(record.name, error instanceof Error ? error.message : String(error));
    }
  }

  /** Where the published port answers: its bind address, or the Docker host's own address when bound to all. */
  private async reachableHost(record: DatabaseRecord): Promise<string> {
    let bound = LOOPBACK;
    try {
      const info = await this.options.registry.client(record.dockerHost).getContainer(record.containerId ?? record.containerName).inspect();
      bound = info.HostConfig.PortBindings?.[`${templateFor(record.engine).port}/tcp`]?.[0]?.HostIp ?? LOOPBACK;
    } catch {
      // the container or its host is away: the default binding is the best guess
    }
    if (!WILDCARD_ADDRESSES.has(bound)) return bound;
    const endpoint = this.options.registry.hosts().find((h) => h.name === record.dockerHost);
    if (!endpoint || endpoint.kind === 'unix') return LOOPBACK;
    try {
      return new URL(endpoint.endpoint).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return LOOPBACK;
    }
  }

  async backups(id: string): Promise<Backup[]> {
    const record = await this.require(id);
    return (await this.backupRecords.list(record.id)).map(toBackup);
  }

  /** A manual backup: answered at once (running), finished in the background. */
  async startBackup(id: string): Promise<Backup> {
    const record = await this.require(id);
    if (record.status !== 'ready') throw new DatabaseNotReadyError(record.name, record.status);
    const started = await this.backupService.start(record, 'manual');
    if (!started) throw new Error('a manual backup row could not be created');
    return toBackup(started.backup);
  }

  async restores(id: string): Promise<Restore[]> {
    const record = await this.require(id);
    return this.restoreRecords.list(record.id);
  }

  async restore(id: string, body: unknown, requestedBy: string | null): Promise<Restore> {
    const request = parseRequest(restoreDatabaseRequest, body);
    const record = await this.require(id);
    if (request.confirm !== record.name) throw new ConfirmationRequiredError(record.name, `restore over the data of "${record.name}"`);
    if (record.status !== 'ready') throw new DatabaseNotReadyError(record.name, record.status);
    return this.restoreService.request(record, request.backupId, requestedBy);
  }

  private async require(id: string): Promise<DatabaseRecord> {
    const record = UUID.test(id) ? await this.databases.get(id) : undefined;
    if (!record) throw new DatabaseNotFoundError(id);
    return record;
  }

  private async present(record: DatabaseRecord, lastBackup: BackupRecord | undefined): Promise<ManagedDatabase> {
    const active = record.status === 'ready' || record.status === 'failed' || (record.status === 'creating' && record.containerId !== null);
    const health = active ? await this.health.healthOf(record.dockerHost, record.containerId ?? record.containerName) : record.status === 'creating' ? 'starting' : 'missing';
    return {
      id: record.id,
      name: record.name,
      engine: record.engine,
      host: record.dockerHost,
      containerName: record.containerName,
      containerId: record.containerId,
      image: record.image,
      hostPort: record.hostPort,
      username: record.username,
      databaseName: record.databaseName,
      volume: record.volume,
      status: record.status,
      progress: record.progress,
      health,
      error: record.error,
      backupSchedule: record.backupSchedule,
      backupRetention: record.backupRetention,
      nextBackupAt: record.status === 'ready' ? (nextRunOf(record.backupSchedule)?.toISOString() ?? null) : null,
      lastBackup: lastBackup ? toBackup(lastBackup) : null,
      createdAt: record.createdAt.toISOString(),
    };
  }
}
