import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupFileStore, backupTimestamp } from './backup-file-store.js';

let root: string;
let store: BackupFileStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'backup-store-'));
  store = new BackupFileStore(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('BackupFileStore', () => {
  it('names files <database>/<timestamp>.<ext>, sortable and without colons', () => {
    expect(backupTimestamp(new Date('2026-11-30T03:00:00.042Z'))).toBe('20261130T030000.042Z');
    expect(store.relativePath('shop', new Date('2026-11-30T03:00:00.042Z'), 'dump')).toBe('shop/20261130T030000.042Z.dump');
  });

  it('writes to .partial, and commit makes it appear under its name with its size and SHA-256 (mode 600)', async () => {
    const writer = await store.create('shop/a.dump');
    writer.write(Buffer.from('hello '));
    writer.write(Buffer.from('world'));
    expect(await readdir(join(root, 'shop'))).toEqual(['a.dump.partial']);
    const committed = await writer.commit();
    expect(committed).toEqual({ sizeBytes: 11, sha256: createHash('sha256').update('hello world').digest('hex') });
    expect(await readdir(join(root, 'shop'))).toEqual(['a.dump']);
    expect(await readFile(join(root, 'shop/a.dump'), 'utf8')).toBe('hello world');
    expect((await stat(join(root, 'shop/a.dump'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'shop'))).mode & 0o777).toBe(0o700);
    expect(await store.sha256('shop/a.dump')).toBe(committed.sha256);
    expect(await store.size('shop/a.dump')).toBe(11);
  });

  it('discard leaves nothing behind; remove is quiet about files already gone', async () => {
    const writer = await store.create('shop/b.dump');
    writer.write(Buffer.from('half a dump'));
    await writer.discard();
    expect(await readdir(join(root, 'shop'))).toEqual([]);
    await expect(store.remove('shop/never.dump')).resolves.toBeUndefined();
  });

  it('never writes over an existing partial and never leaves BACKUP_DIR', async () => {
    await store.create('shop/c.dump');
    await expect(store.create('shop/c.dump')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(() => store.absolute('../etc/passwd')).toThrow(/outside the backup directory/);
    expect(() => store.absolute('/etc/passwd')).toThrow(/outside the backup directory/);
    expect(() => store.absolute('')).toThrow(/outside the backup directory/);
  });
});
