import { describe, expect, it } from 'vitest';
import type { Container, DockerHost, HostHistory, HostSample } from '@homelab/dashboard-api';
import type { ToolContext } from '../tools/jarvis-tool.js';
import { createContainerLogsTool, createListContainersTool, type ContainersSource } from './containers.tool.js';
import { createDomainCheckTool } from './domain-check.tool.js';
import { createHostMetricsTool, summarizeHistory } from './host-metrics.tool.js';

// The real sources (dockerode, systeminformation, the domain checker) are
// wired in the dashboard and exercised there; these check what the model gets.
const context = {} as ToolContext;

const sample = (over: Partial<HostSample> = {}): HostSample => ({
  host: 'nas',
  at: '2026-12-01T00:00:00.000Z',
  cpuPercent: 12.345,
  load1: 0.5,
  load5: 0.4,
  load15: 0.3,
  memUsedBytes: 4e9,
  memTotalBytes: 16e9,
  swapUsedBytes: 0,
  swapTotalBytes: 2e9,
  diskUsedBytes: 5e11,
  diskTotalBytes: 1e12,
  netRxBytesPerS: 1000,
  netTxBytesPerS: 2000,
  cpuTempC: 51.26,
  disks: [{ mount: '/', fs: 'ext4', usedBytes: 5e11, totalBytes: 1e12 }],
  interfaces: [],
  temperatures: [],
  ...over,
});

describe('host_metrics', () => {
  it('gives the current reading and the history in a few numbers', async () => {
    const history: HostHistory = {
      host: 'nas',
      range: '1h',
      resolutionSeconds: 10,
      samples: [
        { ...sample({ cpuPercent: 10 }), peak: null },
        { ...sample({ cpuPercent: 30, at: '2026-12-01T00:10:00.000Z' }), peak: { cpuPercent: 95, memUsedBytes: 8e9, netRxBytesPerS: null, netTxBytesPerS: null, cpuTempC: null } },
      ],
    };
    const asked: unknown[] = [];
    const tool = createHostMetricsTool({
      current: async (host) => (asked.push(['current', host]), sample()),
      history: async (range, host) => (asked.push(['history', range, host]), history),
    });
    const args = tool.parameters.parse({ host: 'nas' });
    const result = await tool.run(args, context);
    expect(asked).toEqual([['current', 'nas'], ['history', '1h', 'nas']]);
    expect(result).toMatchObject({
      ok: true,
      summary: 'nas: CPU 12.3%, memory 25%',
      content: {
        current: { cpuPercent: 12.3, memory: { usedPercent: 25 }, disks: [{ mount: '/', usedPercent: 50 }], cpuTempC: 51.3 },
        history: { points: 2, cpuPercent: { avg: 20, max: 95 }, memoryUsedPercent: { avg: 25, max: 50 }, from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T00:10:00.000Z' },
      },
    });
    expect(summarizeHistory({ ...history, samples: [] })).toMatchObject({ points: 0, cpuPercent: null });
  });
});

const container = (name: string, state: Container['state']): Container => ({
  host: 'local',
  id: `${name}-id`,
  shortId: name,
  name,
  image: `${name}:1`,
  imageId: 'sha256:x',
  state,
  status: state === 'running' ? 'Up 2 hours' : 'Exited (1)',
  health: 'none',
  createdAt: '2026-11-01T00:00:00.000Z',
  ports: [{ privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '0.0.0.0' }],
  composeProject: null,
  cpuPercent: 1.234,
  memoryBytes: 1000,
  memoryLimitBytes: null,
  statsAt: null,
});

const host = (name: string, status: DockerHost['status']): DockerHost => ({
  name,
  endpoint: 'unix:///var/run/docker.sock',
  tls: false,
  status,
  error: status === 'down' ? { code: 'DOCKER_HOST_UNREACHABLE', message: `${name} is unreachable` } : null,
  engineVersion: null,
  containers: { total: 0, running: 0 },
  refreshedAt: null,
});

describe('list_containers and container_logs', () => {
  const source: ContainersSource = {
    list: () => ({ containers: [container('web', 'running'), container('db', 'exited')], hosts: [host('local', 'up'), host('nas', 'down')] }),
    logTail: async (_host, _container, lines) =>
      Array.from({ length: lines }, (_, i) => ({ stream: i % 2 ? ('stderr' as const) : ('stdout' as const), line: i === 0 ? 'y'.repeat(900) : `line ${i}`, time: `2026-12-01T00:00:0${i}Z` })),
  };

  it('lists containers of one state, with the hosts that are down', async () => {
    const tool = createListContainersTool(source);
    const result = await tool.run(tool.parameters.parse({ state: 'exited' }), context);
    expect(result).toMatchObject({
      ok: true,
      summary: '1 container (0 running), 1 host(s) down',
      content: { total: 1, containers: [{ name: 'db', state: 'exited', ports: ['8080->80/tcp'], cpuPercent: 1.2 }], hostsDown: [{ host: 'nas', error: 'nas is unreachable' }] },
    });
    expect(tool.parameters.safeParse({ state: 'sleeping' }).success).toBe(false);
  });

  it('reads the last lines, long ones cut, stderr marked', async () => {
    const tool = createContainerLogsTool(source);
    const args = tool.parameters.parse({ host: 'local', container: 'web', lines: 3 });
    const result = await tool.run(args, context);
    const lines = result.ok ? (result.content as { lines: string[] }).lines : [];
    expect(result).toMatchObject({ summary: '3 lines of web' });
    expect(lines[0]?.length).toBeLessThan(560);
    expect(lines[1]).toBe('2026-12-01T00:00:01Z [err] line 1');
    expect(tool.parameters.safeParse({ host: 'local', container: 'web', lines: 5000 }).success).toBe(false);
    expect(tool.parameters.parse({ host: 'local', container: 'web' }).lines).toBe(100);
  });
});

describe('check_domain', () => {
  it('checks the host name now and says the verdict in one line', async () => {
    const targets: unknown[] = [];
    const tool = createDomainCheckTool({
      check: async (target) => {
        targets.push(target);
        return {
          checkedAt: '2026-12-01T00:00:00.000Z',
          status: 'degraded',
          dns: { ok: true, addresses: ['192.0.2.1'], error: null },
          http: { ok: true, status: 200, responseMs: 40, error: null },
          tls: { ok: false, authorized: true, issuer: 'R11', subject: 'cloud.example.org', validFrom: null, validTo: null, daysLeft: 5, error: null },
        };
      },
    });
    const result = await tool.run(tool.parameters.parse({ hostname: 'cloud.example.org' }), context);
    expect(targets).toEqual([{ name: 'cloud.example.org', port: 443, path: '/' }]);
    expect(result).toMatchObject({ ok: true, summary: 'cloud.example.org: degraded, HTTP 200, certificate expires in 5 days', content: { tls: { daysLeft: 5 } } });
    expect(tool.parameters.safeParse({ hostname: 'x', path: 'no-slash' }).success).toBe(false);
  });
});
