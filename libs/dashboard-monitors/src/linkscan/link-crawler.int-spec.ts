import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCertificate, startDnsFake, type DnsFake, type TestCa } from '@homelab/testing';
import { trustContext } from '../domains/domain-checker.js';
import { DomainResolver } from '../domains/domain-resolver.js';
import { pages, startHttpSite, startHttpsSite, type LocalSite } from '../domains/domains.test-helpers.js';
import { CrawlStartError, CrawlStoppedError, crawlSite } from './link-crawler.js';
import { SiteClient } from './site-client.js';

// Real: HTTPS/HTTP servers on 127.0.0.1, node's DNS resolver, TLS with a test CA, htmlparser2.
// Faked: the DNS server (names → 127.0.0.1, one name missing).
const html = 'text/html; charset=utf-8';

describe('link crawler', () => {
  let dns: DnsFake;
  let ca: TestCa;
  let site: LocalSite;
  let external: LocalSite;
  let headless: LocalSite;
  let base: string;
  let resolver: DomainResolver;

  const client = (signal?: AbortSignal): SiteClient => new SiteClient({ resolver, timeoutMs: 1500, secureContext: trustContext([ca.cert]), signal });

  beforeAll(async () => {
    dns = await startDnsFake({ 'site.test': { A: ['127.0.0.1'] }, 'ext.test': { A: ['127.0.0.1'] }, 'headless.test': { A: ['127.0.0.1'] } });
    resolver = new DomainResolver({ servers: [dns.server], timeoutMs: 600 });
    ca = await createTestCa();
    external = await startHttpSite(pages({ '/ok': [200, 'text/plain', 'fine'] }));
    headless = await startHttpSite((request, response) => {
      // a server that refuses HEAD, as some do
      response.writeHead(request.method === 'HEAD' ? 405 : 200, { 'content-type': 'text/plain' }).end(request.method === 'HEAD' ? undefined : 'ok');
    });
    const ext = `http://ext.test:${external.port}`;
    const hl = `http://headless.test:${headless.port}`;
    site = await startHttpsSite(
      await issueCertificate(ca, { commonName: 'site.test' }),
      pages({
        '/': [
          200,
          html,
          `<a href="/about.html">about</a> <a href="missing.html">missing</a>
           <img src="/img/logo.png"> <img src="/img/missing.png">
           <a href="${ext}/ok">ext ok</a> <a href="${ext}/nope">ext broken</a>
           <a href="http://gone.test/">gone</a> <a href="${hl}/page">no HEAD</a>
           <a href="/redirect">redirect</a> <a href="/loop">loop</a> <a href="mailto:me@site.test">mail</a>
           <a href="http://[bad">bad</a>`,
        ],
        '/about.html': [200, html, `<a href="/">home</a> <a href="deep/one.html">deep</a> <a href="${ext}/nope">ext broken again</a>`],
        '/deep/one.html': [200, html, `<a href="two.html">two</a> <a href="../missing.html">missing again</a>`],
        '/deep/two.html': [200, html, '<p>leaf</p>'],
        '/img/logo.png': [200, 'image/png', 'PNG'],
        '/redirect': [301, 'text/plain', '', { location: '/about.html' }],
        '/loop': [302, 'text/plain', '', { location: '/loop' }],
      }),
    );
    base = `https://site.test:${site.port}`;
  });
  afterAll(async () => {
    await Promise.all([site?.close(), external?.close(), headless?.close()]);
    await dns?.close();
  });

  it('crawls the site and reports each broken link with the page it is on', async () => {
    const progress: number[] = [];
    const result = await crawlSite(client(), { start: new URL(`${base}/`), maxPages: 50, onProgress: (p) => progress.push(p.links) });
    expect(result.pages).toBe(4);
    expect(result.limited).toBeNull();
    const broken = result.broken.map((b) => [b.url.replace(base, ''), b.status, b.error, b.foundOn.replace(base, '')]);
    expect(broken).toEqual(
      expect.arrayContaining([
        ['/missing.html', 404, 'HTTP 404', '/'],
        ['/missing.html', 404, 'HTTP 404', '/deep/one.html'],
        ['/img/missing.png', 404, 'HTTP 404', '/'],
        [`http://ext.test:${external.port}/nope`, 404, 'HTTP 404', '/'],
        [`http://ext.test:${external.port}/nope`, 404, 'HTTP 404', '/about.html'],
        ['http://gone.test/', null, 'gone.test does not resolve: no such domain (NXDOMAIN)', '/'],
        ['/loop', null, 'more than 5 redirects', '/'],
        ['http://[bad', null, 'not a valid URL', '/'],
      ]),
    );
    expect(broken).toHaveLength(8);
    // every distinct link once: 4 pages, redirect, loop, logo, missing png, missing page, 2 external, gone, headless
    expect(result.links).toBe(13);
    expect(progress.length).toBeGreaterThan(5);
    // external links are checked with HEAD first; GET only where HEAD failed
    expect(external.requests).toEqual(expect.arrayContaining(['HEAD /ok', 'HEAD /nope', 'GET /nope']));
    expect(external.requests).not.toContain('GET /ok');
    expect(headless.requests).toEqual(['HEAD /page', 'GET /page']);
    // the image was fetched once, never parsed, and mailto: was never requested
    expect(site.requests.filter((r) => r.endsWith('/img/logo.png'))).toEqual(['GET /img/logo.png']);
  });

  it('stops parsing at maxPages and still checks the remaining internal links', async () => {
    site.requests.length = 0;
    const result = await crawlSite(client(), { start: new URL(`${base}/`), maxPages: 1 });
    expect(result.pages).toBe(1);
    expect(result.limited).toMatch(/only the first 1 pages/);
    // /about.html is checked (its answer read up to the headers) but not parsed, so /deep/ is never found
    expect(site.requests).toEqual(expect.arrayContaining(['GET /', 'GET /about.html', 'GET /missing.html']));
    expect(site.requests.filter((r) => r.includes('/deep/'))).toEqual([]);
  });

  it('bounds the number of links', async () => {
    const result = await crawlSite(client(), { start: new URL(`${base}/`), maxPages: 50, maxLinks: 3 });
    expect(result.links).toBe(3);
    expect(result.limited).toMatch(/link limit/);
  });

  it('fails clearly when the start page cannot be loaded', async () => {
    await expect(crawlSite(client(), { start: new URL(`${base}/nothing-here`), maxPages: 5 })).rejects.toThrow(
      new CrawlStartError(`the start page ${base}/nothing-here could not be loaded: HTTP 404`),
    );
    await expect(crawlSite(client(), { start: new URL('https://gone.test/'), maxPages: 5 })).rejects.toThrow(/does not resolve/);
  });

  it('stops promptly when aborted, even with a request hanging', async () => {
    const hanging = await startHttpsSite(await issueCertificate(ca, { commonName: 'hang.test' }), (request, response) => {
      if (request.url === '/') response.writeHead(200, { 'content-type': html }).end('<a href="/hang">x</a><a href="/a">a</a>');
      // /hang never answers
    });
    dns.set('hang.test', { A: ['127.0.0.1'] });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('asked to stop')), 200);
      const started = Date.now();
      await expect(crawlSite(client(controller.signal), { start: new URL(`https://hang.test:${hanging.port}/`), maxPages: 5, signal: controller.signal })).rejects.toThrow(
        new CrawlStoppedError('asked to stop'),
      );
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await hanging.close();
    }
  });
});
