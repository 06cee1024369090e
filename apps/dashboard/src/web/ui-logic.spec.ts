// The web UI's pure helpers (apps/dashboard/web/src/lib), tested here because
// this project's Vitest runs src/**; the UI's behaviour in a browser is
// covered by src/e2e/dashboard-ui.int-spec.ts.
import { describe, expect, it } from 'vitest';
import { parseDomainInput } from '../../web/src/lib/domain-name.js';
import { expiryTone, formatBytes, formatPort, formatUptime, percentOf, statusTone, timeAgo } from '../../web/src/lib/format.js';
import { safeNext } from '../../web/src/lib/safe-next.js';
import { bucketize, BUCKETS } from '../../web/src/lib/uptime-buckets.js';

describe('safeNext', () => {
  it('keeps paths inside the app', () => {
    expect(safeNext('/containers/local/abc?tab=logs')).toBe('/containers/local/abc?tab=logs');
    expect(safeNext('/')).toBe('/');
  });

  it('refuses anything that could leave the site', () => {
    for (const next of [null, '', 'https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'containers', '/x\ny']) {
      expect(safeNext(next), String(next)).toBe('/');
    }
  });
});

describe('parseDomainInput', () => {
  it('reduces a pasted address to its host name and port', () => {
    expect(parseDomainInput('  https://Shop.Example.com:8443/path?q=1#top ')).toEqual({ name: 'shop.example.com', port: 8443 });
    expect(parseDomainInput('example.com.')).toEqual({ name: 'example.com', port: null });
    expect(parseDomainInput('intranet.homelab.test')).toEqual({ name: 'intranet.homelab.test', port: null });
    expect(parseDomainInput('example.com:99999')).toEqual({ name: 'example.com', port: null });
  });
});

describe('format', () => {
  it('writes sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(48 * 1024 * 1024)).toBe('48.0 MiB');
    expect(formatBytes(252 * 1024 ** 3)).toBe('252 GiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('writes uptime percentages with the decimals that matter', () => {
    expect(formatUptime(100)).toBe('100 %');
    expect(formatUptime(99.5)).toBe('99.50 %');
    expect(formatUptime(87.25)).toBe('87.3 %');
    expect(formatUptime(0)).toBe('0 %');
    expect(formatUptime(null)).toBe('—');
  });

  it('shows ports as docker ps does', () => {
    expect(formatPort({ privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '0.0.0.0' })).toBe('8080→80/tcp');
    expect(formatPort({ privatePort: 53, publicPort: 53, protocol: 'udp', ip: '127.0.0.1' })).toBe('127.0.0.1:53→53/udp');
    expect(formatPort({ privatePort: 5432, publicPort: null, protocol: 'tcp', ip: null })).toBe('5432/tcp');
  });

  it('colours days to expiry by the thresholds', () => {
    expect(expiryTone(30, 21, 7)).toBe('ok');
    expect(expiryTone(21, 21, 7)).toBe('warn');
    expect(expiryTone(7, 21, 7)).toBe('bad');
    expect(expiryTone(-2, 21, 7)).toBe('bad');
    expect(expiryTone(null, 21, 7)).toBe('muted');
  });

  it('colours statuses by meaning', () => {
    expect(['up', 'running', 'healthy', 'ready'].map(statusTone)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(['degraded', 'creating', 'piling-up'].map(statusTone)).toEqual(['warn', 'warn', 'warn']);
    expect(['down', 'unreachable', 'failed', 'stalled'].map(statusTone)).toEqual(['bad', 'bad', 'bad', 'bad']);
    expect(statusTone('exited')).toBe('muted');
  });

  it('computes shares and relative times, leaving unknowns unknown', () => {
    expect(percentOf(1, 4)).toBe(25);
    expect(percentOf(null, 4)).toBeNull();
    expect(percentOf(1, 0)).toBeNull();
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(timeAgo('2026-12-01T11:57:00Z', now)).toBe('3 min ago');
    expect(timeAgo('2026-12-01T14:00:00Z', now)).toBe('in 2 h 0 min');
    expect(timeAgo(null, now)).toBe('never');
  });
});

describe('bucketize', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const day = 86_400_000;

  it('puts each result in its half hour, keeping the worst status and its error', () => {
    const buckets = bucketize(
      [
        { at: '2026-12-01T11:40:00Z', status: 'up', responseMs: 10, error: null },
        { at: '2026-12-01T11:45:00Z', status: 'down', responseMs: null, error: 'connection refused' },
        { at: '2026-12-01T11:50:00Z', status: 'degraded', responseMs: 30, error: 'slow' },
        { at: '2026-11-30T12:10:00Z', status: 'up', responseMs: 5, error: null },
        { at: '2026-11-29T12:00:00Z', status: 'down', responseMs: null, error: 'too old to show' },
      ],
      now,
      day,
    );
    expect(buckets).toHaveLength(BUCKETS);
    expect(buckets.at(-1)).toMatchObject({ status: 'down', checks: 3, averageMs: 20, error: 'connection refused' });
    expect(buckets[0]).toMatchObject({ status: 'up', checks: 1, averageMs: 5 });
    expect(buckets.slice(1, -1).every((bucket) => bucket.status === 'none' && bucket.checks === 0)).toBe(true);
  });
});
