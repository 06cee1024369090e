import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '@homelab/testing';
import { silentLogger } from '../testing/monitors.test-helpers.js';
import { CatalogInvalidError, CatalogNotConfiguredError } from './catalog-errors.js';
import { CatalogFile, type CatalogSnapshot } from './catalog-file.js';

// Real: the file system (watch, stat, rename). The poll interval is long in
// the watch test, so only the watch can be what noticed the change.
const good = 'services:\n  - name: One\n    check: { tcp: 127.0.0.1:1 }\n';
const two = 'services:\n  - name: One\n    check: { tcp: 127.0.0.1:1 }\n  - name: Two\n    check: { tcp: 127.0.0.1:2 }\n';

describe('CatalogFile', () => {
  let dir: string;
  let path: string;
  let catalog: CatalogFile | undefined;
  const changes: CatalogSnapshot[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalog-'));
    path = join(dir, 'catalog.yaml');
    changes.length = 0;
  });

  afterEach(async () => {
    catalog?.stop();
    catalog = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (pollIntervalMs = 60_000): Promise<CatalogFile> => {
    catalog = new CatalogFile({ path, logger: silentLogger(), pollIntervalMs, onChange: (s) => changes.push(s) });
    await catalog.start();
    return catalog;
  };
  const ids = (file: CatalogFile) => file.snapshot().entries.map((e) => e.id);

  it('reloads when an editor replaces the file (watch)', async () => {
    await writeFile(path, good);
    const file = await open();
    expect(ids(file)).toEqual(['one']);
    expect(file.snapshot().loadedAt).not.toBeNull();
    // like vim and most editors: write a new file, rename it over the old one
    await writeFile(`${path}.new`, two);
    await rename(`${path}.new`, path);
    await waitFor(() => ids(file).length === 2, { message: 'reloaded after rename' });
    await writeFile(path, good);
    await waitFor(() => ids(file).length === 1, { message: 'reloaded after in-place write' });
  });

  it('notices changes by polling where watching sees nothing', async () => {
    await writeFile(path, good);
    // a file system that sends no events: only the periodic check can notice
    catalog = new CatalogFile({ path, logger: silentLogger(), pollIntervalMs: 100, watch: false });
    await catalog.start();
    await writeFile(path, two);
    await waitFor(() => ids(catalog as CatalogFile).length === 2, { message: 'reloaded by the poller' });
  });

  it('keeps the last good catalog when the file turns unreadable or stops being YAML, and recovers', async () => {
    await writeFile(path, two);
    const file = await open(100);
    await writeFile(path, 'services:\n  - name: [unclosed\n');
    await waitFor(() => file.snapshot().problems.length > 0, { message: 'syntax problem reported' });
    expect(ids(file)).toEqual(['one', 'two']);
    expect(file.snapshot().problems[0]).toMatchObject({ index: null, message: expect.stringMatching(/^YAML syntax error/) });
    await rm(path);
    await waitFor(() => file.snapshot().problems[0]?.message.includes('does not exist'), { message: 'missing file reported' });
    expect(ids(file)).toEqual(['one', 'two']);
    await writeFile(path, good);
    await waitFor(() => ids(file).length === 1 && file.snapshot().problems.length === 0, { message: 'recovered' });
  });

  it('uses the valid entries of a file with a malformed one', async () => {
    await writeFile(path, `${two}  - name: Broken\n    check: { tcp: nope }\n`);
    const file = await open();
    expect(ids(file)).toEqual(['one', 'two']);
    expect(file.snapshot().problems).toEqual([
      { index: 2, name: 'Broken', line: 7, message: 'check.tcp: must be host:port, e.g. gamebox.lan:47989' },
    ]);
  });

  it('replaces the file atomically keeping its mode, and writes nothing when the text is invalid', async () => {
    await writeFile(path, good);
    await chmod(path, 0o640);
    const file = await open();
    const snapshot = await file.replace(two);
    expect(snapshot.entries.map((e) => e.id)).toEqual(['one', 'two']);
    expect(await readFile(path, 'utf8')).toBe(two);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const invalid = `${good}  - name: Bad\n    check: { http: ftp://x }\n`;
    const refused = await file.replace(invalid).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CatalogInvalidError);
    expect((refused as CatalogInvalidError).toBody()).toMatchObject({
      code: 'CATALOG_INVALID',
      details: { problems: [{ index: 1, name: 'Bad', line: 5, message: expect.stringContaining('http:// or https://') }] },
    });
    await expect(file.replace('services: [')).rejects.toBeInstanceOf(CatalogInvalidError);
    expect(await readFile(path, 'utf8')).toBe(two);
    expect((await file.source()).yaml).toBe(two);
  });

  it('creates a missing file (mode 600) and refuses everything without CATALOG_FILE', async () => {
    const file = await open();
    expect(file.snapshot().problems[0]?.message).toContain('does not exist');
    expect((await file.source()).yaml).toBe('services: []\n');
    await file.replace(good);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(ids(file)).toEqual(['one']);
    const none = new CatalogFile({ path: undefined, logger: silentLogger() });
    await none.start();
    expect(none.snapshot()).toEqual({ file: null, loadedAt: null, entries: [], problems: [] });
    await expect(none.source()).rejects.toBeInstanceOf(CatalogNotConfiguredError);
    await expect(none.replace(good)).rejects.toMatchObject({ code: 'CATALOG_NOT_CONFIGURED' });
  });
});
