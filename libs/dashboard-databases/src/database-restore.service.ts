import { Writable } from 'node:stream';
import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import type { Logger } from '@homelab/tracing';
import type { BackupFileStore } from './backup-file-store.js';
import type { Restore } from './database.types.js';
import type { BackupRecord, DatabaseBackupRepository } from './database-backup.repository.js';
import type { DatabaseBackupService } from './database-backup.service.js';
import { BackupNotFoundError, BackupNotRestorableError } from './database-errors.js';
import type { DatabaseRestoreRepository } from './database-restore.repository.js';
import { runExec } from './docker-exec.js';
import { dockerMessage } from './docker-errors.js';
import type { DatabaseRecord } from './managed-database.repository.js';
import { scrub } from './scrub.js';
import { templateFor } from './templates/templates.js';

export interface RestoreServiceOptions {
  restores: DatabaseRestoreRepository;
  backups: DatabaseBackupRepository;
  backupService: DatabaseBackupService;
  files: BackupFileStore;
  registry: DockerHostRegistry;
  logger: Logger;
  /** The longest one restore may take. */
  timeoutMs: number;
}

class RestoreFailure extends Error {}

/**
 * Restores a backup into its database: first a `pre-restore` backup of the
 * data as it is (no safety backup, no restore), then the backup's checksum
 * is verified, then the engine's restore command runs in the container with
 * the dump streamed into its stdin over a hijacked connection. Whatever
 * happens, the restore row says so, and the safety backup stays listed.
 */
export class DatabaseRestoreService {
  readonly #inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(private readonly options: RestoreServiceOptions) {}

  /** Checks the backup can be restored, records the restore (one at a time per database) and starts it. */
  async request(database: DatabaseRecord, backupId: string, requestedBy: string | null): Promise<Restore> {
    const backup = await this.options.backups.get(database.id, backupId);
    if (!backup) throw new BackupNotFoundError(backupId);
    if (backup.status !== 'succeeded' || !backup.file) {
      throw new BackupNotRestorableError(`Backup ${backupId} is ${backup.status}; only a succeeded backup can be restored`, { status: backup.status });
    }
    if ((await this.options.files.size(backup.file)) === undefined) {
      throw new BackupNotRestorableError(`The file of backup ${backupId} (${backup.file}) is no longer in the backup directory`, { file: backup.file });
    }
    const restore = await this.options.restores.start(database.id, database.name, backup.id, requestedBy);
    const abort = new AbortController();
    const done = this.execute(database, restore, backup, abort.signal).finally(() => this.#inFlight.delete(restore.id));
    this.#inFlight.set(restore.id, { abort, done });
    return restore;
  }

  /** Settles once the restore finished (for tests and shutdown). */
  async settled(restoreId: string): Promise<void> {
    await this.#inFlight.get(restoreId)?.done;
  }

  async shutdown(waitMs: number): Promise<void> {
    const running = [...this.#inFlight.values()];
    for (const entry of running) entry.abort.abort();
    await Promise.race([Promise.allSettled(running.map((entry) => entry.done)), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  private async execute(database: DatabaseRecord, restore: Restore, backup: BackupRecord, signal: AbortSignal): Promise<void> {
    const { restores, logger } = this.options;
    let safety: BackupRecord | undefined;
    try {
      safety = await this.safetyBackup(database, restore);
      await this.verify(backup);
      if (signal.aborted) throw new RestoreFailure('the dashboard is shutting down; nothing was restored');
      await this.runRestore(database, backup, signal);
      await restores.finish(restore.id, { status: 'succeeded' });
      logger.info({ database: database.name, backup: backup.file, safetyBackup: safety.file }, 'database restored');
    } catch (error) {
      const reason = error instanceof RestoreFailure ? error.message : `could not run the restore: ${scrub(dockerMessage(error))}`;
      const hint = safety?.file ? `; the data as it was before is in the pre-restore backup ${safety.file}` : '';
      await restores.finish(restore.id, { status: 'failed', error: `${reason}${hint}` }).catch((e: unknown) => logger.error({ err: e }, 'could not record a failed restore'));
      logger.warn({ database: database.name, backup: backup.file, error: reason }, 'database restore failed');
    }
  }

  private async safetyBackup(database: DatabaseRecord, restore: Restore): Promise<BackupRecord> {
    const started = await this.options.backupService.start(database, 'pre-restore');
    if (!started) throw new RestoreFailure('could not start the safety backup; nothing was restored');
    await this.options.restores.setSafetyBackup(restore.id, started.backup.id);
    const safety = await started.done;
    if (safety.status !== 'succeeded') throw new RestoreFailure(`the safety backup before the restore failed (${safety.error ?? 'unknown error'}); nothing was restored`);
    return safety;
  }

  private async verify(backup: BackupRecord): Promise<void> {
    const file = backup.file as string;
    const actual = await this.options.files.sha256(file).catch(() => undefined);
    if (actual === undefined) throw new RestoreFailure(`the backup file ${file} cannot be read; nothing was restored`);
    if (backup.sha256 && actual !== backup.sha256) {
      throw new RestoreFailure(`the backup file ${file} changed since it was written (SHA-256 differs); nothing was restored`);
    }
  }

  private async runRestore(database: DatabaseRecord, backup: BackupRecord, signal: AbortSignal): Promise<void> {
    const container = this.options.registry.client(database.dockerHost).getContainer(database.containerId ?? database.containerName);
    // the restore tools' stdout is chatter; stderr carries the reason when they fail
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const outcome = await runExec(container, {
      cmd: templateFor(database.engine).restore.cmd,
      stdin: this.options.files.openRead(backup.file as string),
      stdout: discard,
      timeoutMs: this.options.timeoutMs,
      signal,
    });
    if (outcome.exitCode !== 0) {
      const stderr = scrub(outcome.stderr, [], 800);
      throw new RestoreFailure(`the restore command exited with code ${outcome.exitCode}${stderr ? `: ${stderr}` : ''}`);
    }
  }
}
