import { Cron } from 'croner';
import type { Logger } from '@homelab/tracing';
import { lastSlotOf } from './backup-schedule.js';
import type { BackupFileStore } from './backup-file-store.js';
import type { DatabaseBackupRepository } from './database-backup.repository.js';
import type { DatabaseBackupService } from './database-backup.service.js';
import type { DatabaseRestoreRepository } from './database-restore.repository.js';
import type { DatabaseRecord, ManagedDatabaseRepository } from './managed-database.repository.js';

export interface BackupSchedulerOptions {
  databases: ManagedDatabaseRepository;
  backups: DatabaseBackupRepository;
  restores: DatabaseRestoreRepository;
  backupService: DatabaseBackupService;
  files: BackupFileStore;
  logger: Logger;
  /** How often the schedules are re-read from the database (other replicas' changes) and stale work swept. */
  refreshMs: number;
  /** A slot missed by at most this much (a restart at 03:00) still runs when noticed. */
  catchUpMs: number;
  /** Running backups and restores older than this belong to a replica that died. */
  staleAfterMs: number;
  /** Creations older than this belong to a replica that died. */
  staleCreationAfterMs: number;
}

interface ScheduledJob {
  schedule: string;
  cron: Cron;
}

/**
 * Runs every ready database's backup schedule. Every replica keeps the same
 * cron jobs; when a slot comes, each tries to insert the backup row for
 * (database, slot) and only the one whose insert wins dumps — so a slot runs
 * once however many replicas there are, and still runs when one is down.
 * A refresh loop picks up schedules changed elsewhere, runs a slot that was
 * missed shortly before (a restart), and fails work whose replica died.
 */
export class BackupScheduler {
  readonly #jobs = new Map<string, ScheduledJob>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #running = false;

  constructor(private readonly options: BackupSchedulerOptions) {}

  start(): void {
    this.#running = true;
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#running = false;
    clearInterval(this.#timer);
    for (const job of this.#jobs.values()) job.cron.stop();
    this.#jobs.clear();
  }

  /** Re-reads the schedules now (after a local change, so it applies without waiting for the loop); nothing before start(). */
  refresh(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    try {
      await this.sweep();
      const databases = await this.options.databases.scheduled();
      if (!this.#running) return;
      this.sync(databases);
      await Promise.all(databases.map((database) => this.catchUp(database)));
    } catch (error) {
      // the database may not be migrated yet at start-up, or briefly unreachable: the next round retries
      this.options.logger.warn({ err: error }, 'backup schedules could not be refreshed');
    }
  }

  private sync(databases: readonly DatabaseRecord[]): void {
    const wanted = new Map(databases.map((database) => [database.id, database]));
    for (const [id, job] of this.#jobs) {
      if (wanted.get(id)?.backupSchedule !== job.schedule) {
        job.cron.stop();
        this.#jobs.delete(id);
      }
    }
    for (const database of databases) {
      if (this.#jobs.has(database.id) || !database.backupSchedule) continue;
      try {
        const cron = new Cron(database.backupSchedule, { unref: true, catch: true }, () => void this.fire(database.id, cron));
        this.#jobs.set(database.id, { schedule: database.backupSchedule, cron });
      } catch (error) {
        this.options.logger.error({ database: database.name, schedule: database.backupSchedule, err: error }, 'invalid backup schedule ignored');
      }
    }
  }

  private async fire(databaseId: string, cron: Cron): Promise<void> {
    const slot = lastSlotOf(cron);
    if (!slot) return;
    try {
      const database = await this.options.databases.get(databaseId);
      if (!database || database.status !== 'ready' || database.backupSchedule !== cron.getPattern()) return;
      await this.claim(database, slot);
    } catch (error) {
      this.options.logger.error({ err: error, databaseId }, 'scheduled backup could not start');
    }
  }

  /** Runs the database's latest slot if it passed at most `catchUpMs` ago and nobody ran it. */
  private async catchUp(database: DatabaseRecord): Promise<void> {
    const job = this.#jobs.get(database.id);
    const slot = job ? lastSlotOf(job.cron) : undefined;
    if (!slot || Date.now() - slot.getTime() > this.options.catchUpMs || slot < database.createdAt) return;
    await this.claim(database, slot);
  }

  /** Whoever inserts the (database, slot) row runs it; the others learn it is taken. */
  private async claim(database: DatabaseRecord, slot: Date): Promise<void> {
    const started = await this.options.backupService.start(database, 'schedule', slot);
    if (started) this.options.logger.info({ database: database.name, slot: slot.toISOString() }, 'scheduled backup started');
  }

  /** Work whose replica died never finishes on its own: fail it, and remove what it left on disk. */
  private async sweep(): Promise<void> {
    const { databases, backups, restores, files, staleAfterMs, staleCreationAfterMs, logger } = this.options;
    await databases.failStaleCreations(staleCreationAfterMs);
    for (const stale of await backups.failStale(staleAfterMs)) {
      if (stale.file) await files.remove(stale.file).catch((error: unknown) => logger.warn({ err: error, file: stale.file }, 'could not remove a stale partial backup'));
    }
    await restores.failStale(staleAfterMs);
  }
}
