import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../local-executor.js';
import { CheckpointError } from './errors.js';
import { diffFile, restoreFile, snapshotFile } from './file-snapshot.js';

/** File checkpoints through the local executor (the same scripts run over SSH in checkpoint.int-spec). */
describe('file snapshots', () => {
  const executor = new LocalExecutor();
  const dir = mkdtempSync(join(tmpdir(), 'guard-exec-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const hostileNames = ["it's here", 'new\nline', '$(touch pwned)', '`id`', '-rf', ' lead and trail ', '*', 'ümlaut✓'];

  it.each(hostileNames)('snapshots and restores a file called %j byte for byte', async (name) => {
    const path = join(dir, name);
    const original = Buffer.concat([Buffer.from(`content of ${name}\n`), Buffer.from([0, 1, 2, 255, 254, 10, 13])]);
    writeFileSync(path, original);
    chmodSync(path, 0o640);
    const snapshot = await snapshotFile(executor, path);
    expect(snapshot).toMatchObject({ path, exists: true, mode: '640', size: original.length });

    writeFileSync(path, 'changed');
    chmodSync(path, 0o777);
    expect(await restoreFile(executor, snapshot)).toBe('restored');
    expect(readFileSync(path).equals(original)).toBe(true);
    expect(statSync(path).mode & 0o7777).toBe(0o640);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(diffFile(snapshot, await snapshotFile(executor, path))).toEqual([]);
  });

  it('restores owner, group and set-id bits, and leaves no temp file behind', async () => {
    const path = join(dir, 'owned');
    writeFileSync(path, 'x');
    chownSync(path, 65534, 65534);
    chmodSync(path, 0o2755);
    const snapshot = await snapshotFile(executor, path);
    expect(snapshot).toMatchObject({ uid: 65534, gid: 65534, mode: '2755' });
    chownSync(path, 0, 0);
    chmodSync(path, 0o600);
    await restoreFile(executor, snapshot);
    const stat = statSync(path);
    expect([stat.uid, stat.gid, stat.mode & 0o7777]).toEqual([65534, 65534, 0o2755]);
    expect(readdirSync(dir).filter((name) => name.startsWith('.guard-restore'))).toEqual([]);
  });

  it('records a missing file and deletes it on restore', async () => {
    const path = join(dir, 'did-not-exist');
    const snapshot = await snapshotFile(executor, path);
    expect(snapshot).toEqual({ path, exists: false });
    writeFileSync(path, 'created later');
    expect(await restoreFile(executor, snapshot)).toBe('deleted');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses files over the size limit with a clear error', async () => {
    const path = join(dir, 'big');
    writeFileSync(path, Buffer.alloc(2048, 65));
    const error = await snapshotFile(executor, path, 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect((error as Error).message).toContain('2048 bytes is over the limit of 1024 bytes');
  });

  it('refuses directories and symlinks (only regular files are checkpointed)', async () => {
    mkdirSync(join(dir, 'a-dir'));
    symlinkSync('/etc/hostname', join(dir, 'a-link'));
    await expect(snapshotFile(executor, join(dir, 'a-dir'))).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE', message: /directory/ });
    await expect(snapshotFile(executor, join(dir, 'a-link'))).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE', message: /symbolic link/ });
  });

  it('will not replace a directory that appeared where the file was, nor delete one', async () => {
    const path = join(dir, 'became-a-dir');
    writeFileSync(path, 'file');
    const existed = await snapshotFile(executor, path);
    const absent = await snapshotFile(executor, join(dir, 'also-a-dir'));
    rmSync(path);
    mkdirSync(path);
    mkdirSync(join(dir, 'also-a-dir'));
    await expect(restoreFile(executor, existed)).rejects.toMatchObject({ code: 'RESTORE_FAILED' });
    await expect(restoreFile(executor, absent)).rejects.toMatchObject({ code: 'RESTORE_FAILED', message: /is a directory/ });
    expect(statSync(path).isDirectory()).toBe(true);
    expect(readdirSync(dir).filter((name) => name.startsWith('.guard-restore'))).toEqual([]);
  });

  it('reports a file whose parent directory is gone', async () => {
    const parent = join(dir, 'gone');
    mkdirSync(parent);
    writeFileSync(join(parent, 'f'), 'x');
    const snapshot = await snapshotFile(executor, join(parent, 'f'));
    rmSync(parent, { recursive: true });
    await expect(restoreFile(executor, snapshot)).rejects.toMatchObject({ message: /does not exist/ });
  });

  it('notices differences after the fact', async () => {
    const path = join(dir, 'diffed');
    writeFileSync(path, 'one');
    chmodSync(path, 0o644);
    const before = await snapshotFile(executor, path);
    writeFileSync(path, 'two');
    chmodSync(path, 0o600);
    const after = await snapshotFile(executor, path);
    expect(diffFile(before, after)).toEqual([`${path}: content differs`, `${path}: mode 600, expected 644`]);
  });
});
