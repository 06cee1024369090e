import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import type { AlertSink } from '@homelab/dashboard-monitors';
import type { Logger } from '@homelab/tracing';
import type { BackupFileStore, BackupWriter } from './backup-file-store.js';
import type { BackupTrigger } from './database.types.js';
import type { BackupRecord, DatabaseBackupRepository } from './database-backup.repository.js';
import { runExec, type ExecOutcome } from './docker-exec.js';
import { dockerMessage } from './docker-errors.js';
import type { DatabaseRecord } from './managed-database.repository.js';
import { scrub } from './scrub.js';
import { templateFor } from './templates/templates.js';

export interface BackupServiceOptions {
  backups: DatabaseBackupRepository;
  files: BackupFileStore;
  registry: DockerHostRegistry;
  alerts: AlertSink;
  logger: Logger;
  /** The longest one dump may take. */
  timeoutMs: number;
}

export interface StartedBackup {
  /** The row as it is now (running). */
  backup: BackupRecord;
  /** Settles with the finished row (succeeded or failed); never rejects. */
  done: Promise<BackupRecord>;
}

/** Failures in a row from which a backup alert is critical rather than a warning. */
const CRITICAL_AFTER_FAILURES = 3;

export const backupAlertKey = (databaseName: string): string => `backup:${databaseName}`;

/**
 * Runs one backup: the engine's dump command inside the container (docker
 * exec), its stdout streamed into `BACKUP_DIR/<name>/<timestamp>.<ext>.partial`,
 * then fsynced and renamed; size and SHA-256 recorded; retention applied.
 * A failure removes the partial file, records the reason (the tail of the
 * command's stderr) and raises the alert `backup:<name>`; the next success
 * resolves it.
 */
export class DatabaseBackupService {
  readonly #inFlight = new Map<string, { abort: AbortController; done: Promise<BackupRecord> }>();

  constructor(private readonly options: BackupServiceOptions) {}

  /** Inserts the running row and starts the dump; undefined when another replica already runs this scheduled slot. */
  async start(database: DatabaseRecord, trigger: BackupTrigger, scheduledFor: Date | null = null): Promise<StartedBackup | undefined> {
    const backup = await this.options.backups.start(database.id, trigger, scheduledFor);
    if (!backup) return undefined;
    const abort = new AbortController();
    const done = this.execute(database, backup, abort.signal).finally(() => this.#inFlight.delete(backup.id));
    this.#inFlight.set(backup.id, { abort, done });
    return { backup, done };
  }

  /** Aborts running dumps (their rows end as failed, partial files removed) and waits for them, at most `waitMs`. */
  async shutdown(waitMs: number): Promise<void> {
    const running = [...this.#inFlight.values()];
    for (const entry of running) entry.abort.abort();
    await Promise.race([Promise.allSettled(running.map((entry) => entry.done)), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  private async execute(database: DatabaseRecord, backup: BackupRecord, signal: AbortSignal): Promise<BackupRecord> {
    const { backups, files, logger } = this.options;
    const template = templateFor(database.engine);
    const file = files.relativePath(database.name, new Date(backup.startedAt), template.backup.extension);
    let writer: BackupWriter | undefined;
    try {
      await backups.setFile(backup.id, file);
      writer = await files.create(file);
      const outcome = await this.dump(database, template.backup.cmd, writer, signal);
      const problem = failureOf(outcome, writer.sizeBytes);
      if (problem) throw new BackupFailure(problem);
      const committed = await writer.commit();
      writer = undefined;
      const finished = (await backups.succeed(backup.id, committed.sizeBytes, committed.sha256)) ?? backup;
      logger.info({ database: database.name, trigger: backup.trigger, file, sizeBytes: committed.sizeBytes }, 'database backup succeeded');
      await this.afterSuccess(database);
      return finished;
    } catch (error) {
      await writer?.discard().catch(() => undefined);
      const reason = error instanceof BackupFailure ? error.message : `could not run the dump: ${scrub(dockerMessage(error))}`;
      const failed = (await backups.fail(backup.id, reason).catch(() => undefined)) ?? { ...backup, status: 'failed' as const, error: reason };
      logger.warn({ database: database.name, trigger: backup.trigger, error: reason }, 'database backup failed');
      await this.raiseAlert(database, reason);
      return failed;
    }
  }

  private async dump(database: DatabaseRecord, cmd: string[], writer: BackupWriter, signal: AbortSignal): Promise<ExecOutcome> {
    const container = this.options.registry.client(database.dockerHost).getContainer(database.containerId ?? database.containerName);
    return runExec(container, { cmd, stdout: writer, timeoutMs: this.options.timeoutMs, signal });
  }

  private async afterSuccess(database: DatabaseRecord): Promise<void> {
    await this.prune(database).catch((error: unknown) => this.options.logger.error({ err: error, database: database.name }, 'pruning old backups failed'));
    await this.options.alerts
      .resolve(backupAlertKey(database.name))
      .catch((error: unknown) => this.options.logger.error({ err: error, database: database.name }, 'could not resolve the backup alert'));
  }

  /** Keeps the newest `backupRetention` succeeded backups; older files are deleted and their rows marked pruned. */
  async prune(database: DatabaseRecord): Promise<number> {
    const old = await this.options.backups.beyondRetention(database.id, database.backupRetention);
    for (const backup of old) {
      if (backup.file) await this.options.files.remove(backup.file);
      await this.options.backups.markPruned(backup.id);
    }
    return old.length;
  }

  private async raiseAlert(database: DatabaseRecord, reason: string): Promise<void> {
    try {
      const failures = await this.options.backups.consecutiveFailures(database.id);
      await this.options.alerts.raise({
        key: backupAlertKey(database.name),
        source: 'database-backup',
        severity: failures >= CRITICAL_AFTER_FAILURES ? 'critical' : 'warning',
        title: `Backup of ${database.name} failed`,
        message: failures > 1 ? `${reason} (${failures} failures in a row)` : reason,
      });
    } catch (error) {
      this.options.logger.error({ err: error, database: database.name }, 'could not raise the backup alert');
    }
  }
}

class BackupFailure extends Error {}

function failureOf(outcome: ExecOutcome, sizeBytes: number): string | undefined {
  if (outcome.exitCode !== 0) {
    const stderr = scrub(outcome.stderr, [], 800);
    return `the dump command exited with code ${outcome.exitCode}${stderr ? `: ${stderr}` : ''}`;
  }
  if (sizeBytes === 0) return 'the dump command wrote nothing';
  return undefined;
}
