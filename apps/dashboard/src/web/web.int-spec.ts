import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@homelab/testing';
import { startDashboard, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise `..`). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web UI serving', () => {
  let dash: DashboardHarness;
  let webDir: string;

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'homelab-web-'));
    dash = await startDashboard({ env: { DASHBOARD_WEB_DIR: webDir } });
  });

  afterAll(async () => {
    await dash?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('says how to build the UI while it is missing, and leaves the API alone', async () => {
    const page = await fetch(`${dash.url}/containers`);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('node tools/build.mjs');
    expect(html).toContain(webDir);
    expect(html).not.toMatch(/<script|style=/);
    const health = await fetch(`${dash.url}/health`);
    expect(health.headers.get('content-type')).toContain('application/json');
  });

  describe('once built', () => {
    beforeAll(async () => {
      await mkdir(join(webDir, 'assets'));
      await writeFile(join(webDir, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
      await writeFile(join(webDir, 'assets', 'index-Ab12Cd34.js.br'), brotliCompressSync(SCRIPT));
      await writeFile(join(webDir, 'assets', 'index-Ab12Cd34.js.gz'), gzipSync(SCRIPT));
      await writeFile(join(webDir, 'index.html'), INDEX);
      // the server notices a build made after it started
      await waitFor(async () => (await fetch(`${dash.url}/`)).status === 200, { message: 'UI picked up', timeoutMs: 10_000 });
    });

    it('answers index.html, never cached, for every client-side route', async () => {
      for (const path of ['/', '/containers', '/containers/local/0123abcd?tab=logs', '/host?range=6h', '/login?next=%2Fdomains']) {
        const response = await fetch(`${dash.url}${path}`);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-type'), path).toContain('text/html');
        expect(response.headers.get('cache-control'), path).toBe('no-cache');
        expect(await response.text(), path).toBe(INDEX);
      }
      const head = await fetch(`${dash.url}/domains`, { method: 'HEAD' });
      expect(head.status).toBe(200);
    });

    it('serves hashed assets for a year, immutable, compressed when the browser accepts it', async () => {
      const plain = await fetch(`${dash.url}/assets/index-Ab12Cd34.js`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toContain('javascript');
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await plain.text()).toBe(SCRIPT);

      const raw = await new Promise<{ encoding: string | undefined; length: number }>((resolve, reject) => {
        const url = new URL(dash.url);
        const req = httpRequest({ host: url.hostname, port: url.port, path: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
          let length = 0;
          res.on('data', (chunk: Buffer) => (length += chunk.length));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], length }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(raw.encoding).toBe('br');
      expect(raw.length).toBeLessThan(SCRIPT.length / 10);
    });

    it('answers 404, not the page, for missing files and paths outside the assets', async () => {
      for (const path of ['/assets/index-Gone0000.js', '/favicon.ico', '/robots.txt', '/assets/sub/x.js']) {
        const response = await fetch(`${dash.url}${path}`);
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).not.toContain('<div id="root">');
      }
      for (const path of ['/assets/../index.html', '/assets/..%2findex.html', '/assets/%2e%2e/index.html', '/assets/.hidden']) {
        const response = await rawGet(dash.url, path);
        expect([400, 403, 404], path).toContain(response.status);
        expect(response.body, path).not.toContain('<div id="root">');
      }
    });

    it('answers an unknown API path with the JSON error, not the page', async () => {
      const response = await fetch(`${dash.url}/api/no-such-thing`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No API route answers GET /api/no-such-thing.' } });
      const post = await fetch(`${dash.url}/containers`, { method: 'POST', headers: { 'content-type': 'application/json', origin: dash.url }, body: '{}' });
      expect(post.status).toBe(404);
    });
  });
});
