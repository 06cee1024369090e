import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { serviceNames } from '@homelab/contracts';
import { startTracing } from '@homelab/tracing';
import {
  startOtlpCollector,
  uniqueSubjectPrefix,
  waitFor,
  type OtlpCollector,
} from '@homelab/testing';
import { startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import { startGuardProcess, type GuardUnderTest } from '../testing/guard-process.test-helpers.js';
import type { ServiceOverview } from './services-overview.service.js';

// Real: NATS, PostgreSQL, the built jarvis-guard in its own process, the
// dashboard in this process. Spans: the dashboard's go to an in-memory
// exporter, the guard's to a fake OTLP collector.
const exporter = new InMemorySpanExporter();
startTracing({ serviceName: 'dashboard', enabled: true, spanProcessors: [new SimpleSpanProcessor(exporter)] });

describe('dashboard ↔ jarvis-guard over NATS', () => {
  const prefix = uniqueSubjectPrefix('cross');
  let collector: OtlpCollector;
  let guard: GuardUnderTest;
  let dashboard: DashboardHarness;
  let viewer: ApiClient;
  const services = async () => (await viewer.get('/api/services')).json<{ services: ServiceOverview[] }>();

  beforeAll(async () => {
    collector = await startOtlpCollector();
    guard = await startGuardProcess(prefix, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '50' });
    dashboard = await startDashboard({ subjectPrefix: prefix });
    viewer = await dashboard.as('viewer');
  });

  afterAll(async () => {
    await dashboard?.close();
    await guard?.stop();
    await collector?.close();
  });

  it('lists all five services, with health gathered over NATS', async () => {
    const body = await waitFor(async () => {
      const json = await services();
      const ready = ['dashboard', 'jarvis-guard'].every((name) => {
        const entry = json.services.find((s) => s.name === name);
        return entry?.status === 'up' && entry.instances.length > 0;
      });
      return ready ? json : undefined;
    }, { message: 'dashboard and guard up with heartbeats in /api/services' });
    expect(body.services.map((s) => s.name).sort()).toEqual([...serviceNames].sort());
    const byName = Object.fromEntries(body.services.map((s) => [s.name, s]));
    expect(byName['dashboard']?.status).toBe('up');
    expect(byName['jarvis-guard']?.health?.checks['database']?.status).toBe('up');
    // status changes are kept as history in the dashboard's own database
    const withHistory = await waitFor(async () => {
      const json = await services();
      return json.services.find((s) => s.name === 'jarvis-guard' && s.lastChange?.status === 'up');
    }, { message: 'recorded status change for the guard' });
    expect(withHistory.lastChange?.instanceId).toBe(withHistory.instances[0]?.instanceId);
    // not started in this test: reported, not hidden
    expect(byName['stream-bot']?.status).toBe('unreachable');
    expect(byName['stream-bot']?.error?.code).toBe('UNAVAILABLE');
  });

  it('carries one trace id from the dashboard into jarvis-guard', async () => {
    exporter.reset();
    // the overview asks every service in the background, at once when a reader finds it stale
    await viewer.get('/api/services');
    const clientSpan = await waitFor(() => exporter.getFinishedSpans().find((s) => s.name === 'guard.health.get send'), {
      message: 'dashboard client span',
    });
    const { traceId, spanId } = clientSpan.spanContext();
    const serverSpan = await waitFor(
      () => collector.spans.find((s) => s.traceId === traceId && s.name === 'guard.health.get process'),
      { message: 'guard server span with the same trace id' },
    );
    expect(serverSpan.service).toBe('jarvis-guard');
    expect(serverSpan.parentSpanId).toBe(spanId);
  });
});
