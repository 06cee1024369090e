import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** `20261130T030000.123Z`: sortable, and without the colons some NAS shares refuse. */
export function backupTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '');
}

export interface CommittedBackup {
  sizeBytes: number;
  sha256: string;
}

/**
 * A dump being written: bytes go to `<file>.partial` while their SHA-256 and
 * size are counted; `commit` makes it durable (fsync) and visible under its
 * final name in one rename, `discard` removes it. A crash leaves only a
 * `.partial`, never a truncated file under a backup's name.
 */
export class BackupWriter extends Writable {
  readonly #hash = createHash('sha256');
  #size = 0;
  #closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly partialPath: string,
    private readonly finalPath: string,
  ) {
    // large chunks: a dump arrives in socket-sized pieces, each a write(2)
    super({ highWaterMark: 1024 * 1024 });
  }

  get sizeBytes(): number {
    return this.#size;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
    writeAll(this.handle, chunk).then(() => callback(), callback);
  }

  /** Ends the stream (if not yet), fsyncs, renames into place and fsyncs the directory. */
  async commit(): Promise<CommittedBackup> {
    if (!this.writableFinished) await new Promise<void>((resolvePromise, reject) => {
      this.once('error', reject);
      this.end(() => resolvePromise());
    });
    await this.handle.sync();
    await this.#close();
    await rename(this.partialPath, this.finalPath);
    await syncDirectory(dirname(this.finalPath));
    return { sizeBytes: this.#size, sha256: this.#hash.digest('hex') };
  }

  async discard(): Promise<void> {
    this.destroy();
    await this.#close().catch(() => undefined);
    await rm(this.partialPath, { force: true });
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.handle.close();
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // some filesystems (network shares) refuse fsync on directories; the file itself is synced
  } finally {
    await handle.close();
  }
}

/** Backup files under BACKUP_DIR, addressed by paths relative to it (`<database>/<timestamp>.<ext>`). */
export class BackupFileStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  relativePath(databaseName: string, at: Date, extension: string): string {
    return `${databaseName}/${backupTimestamp(at)}.${extension}`;
  }

  /** The absolute path, refusing anything that would leave BACKUP_DIR. */
  absolute(relativePath: string): string {
    const path = resolve(this.root, relativePath);
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || inside.startsWith(sep)) throw new Error(`backup path ${relativePath} is outside the backup directory`);
    return path;
  }

  /** Opens `<file>.partial` exclusively (mode 600 in a 700 directory: dumps hold every row). */
  async create(relativePath: string): Promise<BackupWriter> {
    const finalPath = this.absolute(relativePath);
    await mkdir(dirname(finalPath), { recursive: true, mode: 0o700 });
    const partialPath = `${finalPath}.partial`;
    const handle = await open(partialPath, 'wx', 0o600);
    return new BackupWriter(handle, partialPath, finalPath);
  }

  async size(relativePath: string): Promise<number | undefined> {
    try {
      return (await stat(this.absolute(relativePath))).size;
    } catch {
      return undefined;
    }
  }

  async sha256(relativePath: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(this.absolute(relativePath)), hash);
    return hash.digest('hex');
  }

  openRead(relativePath: string): Readable {
    return createReadStream(this.absolute(relativePath));
  }

  /** Removes a backup (and a partial of it); a file already gone is fine. */
  async remove(relativePath: string): Promise<void> {
    const path = this.absolute(relativePath);
    await rm(path, { force: true });
    await rm(`${path}.partial`, { force: true });
  }
}
