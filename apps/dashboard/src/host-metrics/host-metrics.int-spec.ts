import { hostname, totalmem } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostMetricsService, type HostHistory, type HostSample } from '@homelab/dashboard-metrics';
import { waitFor } from '@homelab/testing';
import { HARNESS_VIEWER, startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

// The whole dashboard in-process, sampling this machine every 200 ms into a fresh database.

let dash: DashboardHarness;
let viewer: ApiClient;
let closed = false;

/**
 * Headers of a viewer's session for requests the harness client cannot make
 * (a stream never ends). Logs in through the API once it exists; without
 * the auth module there is no login route and no guard, so none are needed.
 */
async function viewerHeaders(): Promise<Record<string, string>> {
  const response = await fetch(`${dash.url}/api/auth/login`, {
    method: 'POST',
    headers: { origin: dash.url, 'content-type': 'application/json' },
    body: JSON.stringify(HARNESS_VIEWER),
  });
  if (response.status === 404) return {};
  expect(response.status).toBe(200);
  return { cookie: response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

/** An open /stream: the samples received so far, and its end. */
async function openStream(headers: Record<string, string>) {
  const abort = new AbortController();
  const response = await fetch(`${dash.url}/api/host-metrics/stream`, { headers, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const samples: HostSample[] = [];
  const state = { ended: false };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^event: sample\ndata: (.*)$/m.exec(frame)?.[1];
        if (data) samples.push(JSON.parse(data) as HostSample);
      }
    }
    state.ended = true;
  })();
  return { samples, state, close: () => abort.abort() };
}

function listeners(): number {
  return dash.running.app.get(HostMetricsService).listenerCount;
}

beforeAll(async () => {
  dash = await startDashboard({ env: { HOST_METRICS_INTERVAL_MS: '200' } });
  viewer = await dash.as('viewer');
});

afterAll(async () => {
  if (!closed) await dash?.close();
});

describe('host metrics API', () => {
  it('GET /api/host-metrics/current answers this machine\'s latest sample', async () => {
    const response = await waitFor(
      async () => {
        const r = await viewer.get('/api/host-metrics/current');
        return r.status === 200 ? r : undefined;
      },
      { message: 'first sample' },
    );
    const sample = response.json<HostSample>();
    expect(sample.host).toBe(hostname());
    expect(sample.memTotalBytes).toBe(totalmem());
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sample.disks.map((d) => d.mount)).toContain('/');
    expect(Date.now() - Date.parse(sample.at)).toBeLessThan(5000);
  });

  it('GET /api/host-metrics/history stores and serves the samples, at the range\'s resolution', async () => {
    const history = await waitFor(
      async () => {
        const r = await viewer.get('/api/host-metrics/history?range=1h');
        expect(r.status).toBe(200);
        const body = r.json<HostHistory>();
        return body.samples.length > 0 ? body : undefined;
      },
      { message: 'stored samples' },
    );
    // 200 ms samples are stored at 1 s resolution and served in 10 s buckets for 1 h
    expect(history).toMatchObject({ host: hostname(), range: '1h', resolutionSeconds: 10 });
    expect(history.samples[0]?.memTotalBytes).toBe(totalmem());
    const { rows } = await queryDashboardDb<{ resolution_s: number; n: string }>(
      'SELECT resolution_s, count(*) AS n FROM host_metric_sample WHERE host = $1 GROUP BY resolution_s',
      [hostname()],
    );
    expect(rows.map((r) => r.resolution_s)).toEqual([1]);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  });

  it('answers 400 METRICS_QUERY_INVALID naming the allowed ranges', async () => {
    for (const path of ['/api/host-metrics/history?range=2h', '/api/host-metrics/history']) {
      const response = await viewer.get(path);
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'METRICS_QUERY_INVALID',
          message: 'Query parameter "range" must be one of 1h, 6h, 24h, 7d, 30d',
          details: { field: 'range', allowed: ['1h', '6h', '24h', '7d', '30d'] },
        },
      });
    }
  });

  it('answers 404 METRICS_HOST_UNKNOWN for a host nobody recorded, on every route', async () => {
    for (const path of ['/api/host-metrics/current?host=nowhere', '/api/host-metrics/history?range=24h&host=nowhere', '/api/host-metrics/stream?host=nowhere']) {
      const response = await viewer.get(path);
      expect(response.status).toBe(404);
      expect(response.json<{ error: { code: string; details: { hosts: string[] } } }>().error).toMatchObject({
        code: 'METRICS_HOST_UNKNOWN',
        details: { hosts: [hostname()] },
      });
    }
  });

  it('GET /api/host-metrics/stream pushes each new sample to every client and forgets a client that leaves', async () => {
    const headers = await viewerHeaders();
    const before = listeners();
    const [a, b] = await Promise.all([openStream(headers), openStream(headers)]);
    await waitFor(() => (a.samples.length >= 3 && b.samples.length >= 3 ? true : undefined), { message: 'three samples on both streams' });
    expect(listeners()).toBe(before + 2);
    for (const stream of [a, b]) {
      const ats = stream.samples.map((s) => Date.parse(s.at));
      expect(new Set(ats).size).toBe(ats.length);
      expect([...ats].sort((x, y) => x - y)).toEqual(ats);
      expect(stream.samples[0]?.host).toBe(hostname());
    }
    a.close();
    await waitFor(() => (listeners() === before + 1 ? true : undefined), { message: 'listener of the closed stream removed' });
    const seen = b.samples.length;
    await waitFor(() => (b.samples.length >= seen + 2 ? true : undefined), { message: 'the other stream goes on' });
    b.close();
    await waitFor(() => (listeners() === before ? true : undefined), { message: 'no listeners left' });
  });

  it('ends open streams when the dashboard shuts down, without holding the shutdown', async () => {
    const stream = await openStream(await viewerHeaders());
    await waitFor(() => (stream.samples.length >= 1 ? true : undefined), { message: 'a sample' });
    const started = Date.now();
    closed = true;
    await dash.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await waitFor(() => (stream.state.ended ? true : undefined), { message: 'stream ended', timeoutMs: 2000 });
  });
});

async function queryDashboardDb<T extends object>(text: string, values: unknown[]): Promise<{ rows: T[] }> {
  const client = new pg.Client({ connectionString: dash.database.url });
  await client.connect();
  try {
    return await client.query<T & pg.QueryResultRow>(text, values);
  } finally {
    await client.end();
  }
}
