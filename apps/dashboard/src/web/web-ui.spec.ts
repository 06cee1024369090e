import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyPath, resolveWebDir, WebUi } from './web-ui.js';

describe('classifyPath', () => {
  it('leaves the API, health and metrics to their controllers', () => {
    for (const path of ['/api', '/api/', '/api/containers', '/api/x/y', '/health', '/health/ready', '/metrics']) {
      expect(classifyPath(path), path).toEqual({ kind: 'api' });
    }
  });

  it('serves flat, hashed asset names only', () => {
    expect(classifyPath('/assets/index-DTVp70xk.js')).toEqual({ kind: 'asset', file: 'index-DTVp70xk.js' });
    expect(classifyPath('/assets/vendor--X5TPP8D.js')).toEqual({ kind: 'asset', file: 'vendor--X5TPP8D.js' });
    for (const path of ['/assets/', '/assets/sub/x.js', '/assets/../index.html', '/assets/..%2findex.html', '/assets/.env', '/assets/a b.js']) {
      expect(classifyPath(path), path).toEqual({ kind: 'missing-file' });
    }
  });

  it('answers index.html for client-side routes, but not for file names the UI never has', () => {
    for (const path of ['/', '/containers', '/containers/local/0123abcdef', '/host', '/login', '/setup', '/apiary', '/healthy-things']) {
      expect(classifyPath(path), path).toEqual({ kind: 'page' });
    }
    for (const path of ['/favicon.ico', '/robots.txt', '/index-old.js', '/main.css', '/site.webmanifest']) {
      expect(classifyPath(path), path).toEqual({ kind: 'missing-file' });
    }
  });
});

describe('resolveWebDir', () => {
  it('defaults to apps/dashboard/dist/web from the sources and from the build alike', () => {
    const dashboard = fileURLToPath(new URL('../../', import.meta.url));
    expect(resolveWebDir(undefined)).toBe(join(dashboard, 'dist/web/'));
  });

  it('takes DASHBOARD_WEB_DIR, relative paths from the working directory', () => {
    expect(resolveWebDir('/srv/ui')).toBe('/srv/ui');
    expect(resolveWebDir('ui-build')).toBe(join(process.cwd(), 'ui-build'));
  });
});

describe('WebUi', () => {
  it('notices a build that appears after start-up, checking the disk at most every 2 s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'homelab-webui-'));
    try {
      const ui = new WebUi(dir);
      expect(ui.isBuilt(1_000)).toBe(false);
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      expect(ui.isBuilt(2_000)).toBe(false);
      expect(ui.isBuilt(3_000)).toBe(true);
      expect(ui.assetsDir).toBe(join(dir, 'assets'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
