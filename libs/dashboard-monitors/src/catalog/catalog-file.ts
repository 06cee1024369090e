import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '@homelab/tracing';
import { errorMessage } from '../util/error-message.js';
import type { CatalogEntry, CatalogProblem } from './catalog-entry.js';
import { CatalogFileError, CatalogInvalidError, CatalogNotConfiguredError } from './catalog-errors.js';
import { parseCatalog } from './catalog-parser.js';

export interface CatalogSnapshot {
  file: string | null;
  /** When the entries in use were read; null before the first good read. */
  loadedAt: string | null;
  entries: CatalogEntry[];
  problems: CatalogProblem[];
}

export interface CatalogFileOptions {
  /** CATALOG_FILE; undefined = no catalog. */
  path: string | undefined;
  logger: Logger;
  /** Fallback for file systems where watching misses changes (network mounts, some containers). Default 5 s. */
  pollIntervalMs?: number;
  /** Watch the directory for changes. Default true; the periodic check runs either way. */
  watch?: boolean;
  /** Called after every reload that changed the entries or problems. */
  onChange?: (snapshot: CatalogSnapshot) => void;
}

const MAX_BYTES = 1024 * 1024;

interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

/**
 * The operator's catalog file: read at start, re-read when it changes
 * (a directory watch, since editors replace files by renaming, plus a
 * periodic stat for when watching misses changes). A file that turns
 * unreadable or stops being YAML keeps the last good catalog in use and
 * reports why; a malformed entry is reported and the rest are used.
 */
export class CatalogFile {
  private current: CatalogSnapshot;
  private lastText: string | undefined;
  private stamp: FileStamp | undefined;
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private readonly listeners: ((snapshot: CatalogSnapshot) => void)[] = [];

  constructor(private readonly options: CatalogFileOptions) {
    this.current = { file: options.path ?? null, loadedAt: null, entries: [], problems: [] };
  }

  snapshot(): CatalogSnapshot {
    return this.current;
  }

  /** Calls `listener` after every reload that changed the catalog. */
  subscribe(listener: (snapshot: CatalogSnapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Reads the file now (single-flight). */
  reload(): Promise<void> {
    this.reloading ??= this.read().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  async start(): Promise<void> {
    const path = this.options.path;
    if (!path) return;
    await this.reload();
    if (this.options.watch !== false) this.watch(path);
    this.poller = setInterval(() => void this.pollStat(), this.options.pollIntervalMs ?? 5000);
    this.poller.unref();
  }

  private watch(path: string): void {
    try {
      this.watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
        if (name === null || name.toString() === basename(path)) this.reloadSoon();
      });
      this.watcher.on('error', (error) => {
        this.options.logger.warn({ err: error }, 'Catalog directory watch failed; relying on the periodic check');
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      this.options.logger.warn({ err: error, file: path }, 'Cannot watch the catalog directory; relying on the periodic check');
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
  }

  async source(): Promise<{ file: string; yaml: string }> {
    const path = this.requirePath();
    try {
      return { file: path, yaml: await readFile(path, 'utf8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file: path, yaml: 'services: []\n' };
      throw new CatalogFileError('read', path, errorMessage(error), { cause: error });
    }
  }

  /** Validates the whole text, then replaces the file atomically (same mode); nothing is written when anything is wrong. */
  async replace(yaml: string): Promise<CatalogSnapshot> {
    const path = this.requirePath();
    if (Buffer.byteLength(yaml) > MAX_BYTES) {
      throw new CatalogInvalidError([{ index: null, name: null, line: null, message: `the catalog is larger than ${MAX_BYTES} bytes` }]);
    }
    const parsed = parseCatalog(yaml);
    if (parsed.unusable || parsed.problems.length > 0) throw new CatalogInvalidError(parsed.problems);
    await writeAtomically(path, yaml);
    // a reload already under way may have read the old file: read again after it
    await this.reloading?.catch(() => undefined);
    await this.reload();
    return this.current;
  }

  private requirePath(): string {
    if (!this.options.path) throw new CatalogNotConfiguredError();
    return this.options.path;
  }

  private reloadSoon(): void {
    if (this.debounce) clearTimeout(this.debounce);
    // editors write in several steps; read once they are done
    this.debounce = setTimeout(() => void this.reload(), 50);
    this.debounce.unref();
  }

  private async pollStat(): Promise<void> {
    const path = this.options.path as string;
    const stamp = await stat(path).then(
      (s) => ({ mtimeMs: s.mtimeMs, size: s.size, ino: s.ino }),
      () => undefined,
    );
    const same = stamp && this.stamp && stamp.mtimeMs === this.stamp.mtimeMs && stamp.size === this.stamp.size && stamp.ino === this.stamp.ino;
    // a failed read is retried every time: a fixed permission must be noticed too
    if (!same || this.current.problems.some((p) => p.index === null && p.message.startsWith('cannot read'))) await this.reload();
  }

  private async read(): Promise<void> {
    const path = this.options.path;
    if (!path) return;
    let text: string;
    try {
      const info = await stat(path);
      this.stamp = { mtimeMs: info.mtimeMs, size: info.size, ino: info.ino };
      if (info.size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
      text = await readFile(path, 'utf8');
    } catch (error) {
      this.stamp = undefined;
      this.lastText = undefined;
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : errorMessage(error);
      this.keepLastGood([{ index: null, name: null, line: null, message: `cannot read ${path}: ${reason}` }]);
      return;
    }
    if (text === this.lastText) return;
    this.lastText = text;
    const parsed = parseCatalog(text);
    if (parsed.unusable) {
      this.keepLastGood(parsed.problems);
      return;
    }
    this.publish({ file: path, loadedAt: new Date().toISOString(), entries: parsed.entries, problems: parsed.problems });
  }

  private keepLastGood(problems: CatalogProblem[]): void {
    const previous = this.current.problems.map((p) => p.message).join('\n');
    if (previous === problems.map((p) => p.message).join('\n')) return;
    this.options.logger.warn({ file: this.options.path, problems }, 'Catalog file unusable; keeping the last good catalog');
    this.publish({ ...this.current, problems });
  }

  private publish(snapshot: CatalogSnapshot): void {
    this.current = snapshot;
    if (snapshot.problems.length > 0) this.options.logger.warn({ file: snapshot.file, problems: snapshot.problems }, 'Catalog has problems');
    this.options.onChange?.(snapshot);
    for (const listener of this.listeners) listener(snapshot);
  }
}

/** Temp file in the same directory, same mode (and owner, when allowed), fsync, rename: readers see the old or the new file, never half. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const existing = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new CatalogFileError('write', path, errorMessage(error), { cause: error });
  });
  const mode = existing ? existing.mode & 0o7777 : 0o600;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      // the umask may have narrowed the mode given to open()
      await handle.chmod(mode);
      if (existing) await handle.chown(existing.uid, existing.gid).catch(() => undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new CatalogFileError('write', path, errorMessage(error), { cause: error });
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(directory: string): Promise<void> {
  // makes the rename itself durable; not every platform allows opening a directory
  const handle = await open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

