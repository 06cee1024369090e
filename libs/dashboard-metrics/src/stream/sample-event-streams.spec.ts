import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '@homelab/testing';
import { SampleHub } from '../collector/sample-hub.js';
import type { HostSample } from '../host-sample.js';
import { silentLogger } from '../testing/capture-logger.test-helpers.js';
import { sampleAt } from '../testing/metrics-database.test-helpers.js';
import { SampleEventStreams } from './sample-event-streams.js';

// Real: Node's HTTP server and fetch as the browser, over loopback.

let hub: SampleHub;
let streams: SampleEventStreams;
let server: Server;
let url: string;

/** Reads SSE frames from a fetch response as they arrive. */
function frames(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: { event: string; data: string }[] = [];
  const comments: string[] = [];
  let ended = false;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith(':')) comments.push(frame);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) events.push({ event, data });
        end = buffer.indexOf('\n\n');
      }
    }
    ended = true;
  })();
  return {
    events,
    comments,
    get ended() {
      return ended;
    },
    samples: () => events.filter((e) => e.event === 'sample').map((e) => JSON.parse(e.data) as HostSample),
  };
}

beforeEach(async () => {
  hub = new SampleHub(silentLogger);
  streams = new SampleEventStreams({ subscribe: (_host, listener) => hub.subscribe(listener), heartbeatMs: 40 });
  server = createServer((request, response) => streams.serve(request, response, 'box', { 'x-frame-options': 'DENY' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  streams.closeAll();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('SampleEventStreams', () => {
  it('pushes every sample to every connected client, as `sample` events with the SSE headers', async () => {
    hub.publish(sampleAt('box', new Date(), { cpuPercent: 1 }));
    const [first, second] = await Promise.all([fetch(url), fetch(url)]);
    expect(first?.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(first?.headers.get('cache-control')).toBe('no-store');
    expect(first?.headers.get('x-accel-buffering')).toBe('no');
    expect(first?.headers.get('x-frame-options')).toBe('DENY');
    const a = frames(first as Response);
    const b = frames(second as Response);
    await waitFor(() => (hub.listenerCount === 2 ? true : undefined), { message: 'two listeners' });
    hub.publish(sampleAt('box', new Date(), { cpuPercent: 2 }));
    hub.publish(sampleAt('box', new Date(), { cpuPercent: 3 }));
    await waitFor(() => (a.samples().length === 3 && b.samples().length === 3 ? true : undefined), { message: 'three samples each' });
    // the latest at connection time first, then each new one
    expect(a.samples().map((s) => s.cpuPercent)).toEqual([1, 2, 3]);
    expect(b.samples().map((s) => s.cpuPercent)).toEqual([1, 2, 3]);
    expect(a.samples()[0]).toMatchObject({ host: 'box', disks: [{ mount: '/' }] });
  });

  it('removes a client\'s listener when it disconnects, and keeps serving the other', async () => {
    const leaving = new AbortController();
    const [gone, staying] = await Promise.all([fetch(url, { signal: leaving.signal }), fetch(url)]);
    const kept = frames(staying as Response);
    void gone;
    await waitFor(() => (hub.listenerCount === 2 ? true : undefined), { message: 'two listeners' });
    leaving.abort();
    await waitFor(() => (hub.listenerCount === 1 && streams.openCount === 1 ? true : undefined), { message: 'one listener left' });
    hub.publish(sampleAt('box', new Date(), { cpuPercent: 7 }));
    await waitFor(() => (kept.samples().length === 1 ? true : undefined), { message: 'sample to the remaining client' });
  });

  it('sends heartbeats between samples', async () => {
    const stream = frames(await fetch(url));
    await waitFor(() => (stream.comments.length >= 2 ? true : undefined), { message: 'two heartbeats' });
    expect(stream.comments[0]).toBe(': keep-alive');
  });

  it('ends every stream on closeAll (shutdown) and unsubscribes them', async () => {
    const stream = frames(await fetch(url));
    await waitFor(() => (hub.listenerCount === 1 ? true : undefined), { message: 'listener' });
    streams.closeAll();
    await waitFor(() => (stream.ended ? true : undefined), { message: 'stream ended' });
    expect(hub.listenerCount).toBe(0);
    expect(streams.openCount).toBe(0);
  });

  it('drops a client that stops reading instead of buffering without end', async () => {
    const tight = new SampleEventStreams({ subscribe: (_host, listener) => hub.subscribe(listener), maxBufferedBytes: 64 * 1024 });
    const slowServer = createServer((request, response) => tight.serve(request, response, 'box'));
    await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
    try {
      // a client that reads nothing: fetch's body stays unread
      await fetch(`http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/`);
      await waitFor(() => (hub.listenerCount === 1 ? true : undefined), { message: 'listener' });
      const big = sampleAt('box', new Date(), { disks: Array.from({ length: 500 }, (_, i) => ({ mount: `/mnt/${i}`, fs: `/dev/x${i}`, usedBytes: i, totalBytes: i })) });
      for (let i = 0; i < 400 && hub.listenerCount > 0; i++) {
        hub.publish(big);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(hub.listenerCount).toBe(0);
      expect(tight.openCount).toBe(0);
    } finally {
      tight.closeAll();
      slowServer.closeAllConnections();
      await new Promise((resolve) => slowServer.close(resolve));
    }
  });
});
