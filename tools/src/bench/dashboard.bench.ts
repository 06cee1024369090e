// npm run bench:dashboard — requests/s and p99 of the dashboard's container
// list and services overview under concurrent load (autocannon), against a
// bare Fastify route returning the same JSON, in one run. The dashboard runs
// as built (its own process, logged in with a real session, Docker fake with
// BENCH_CONTAINERS containers); the baseline is a separate bare process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createTestDatabase, freePort, natsUrl, startDockerFake, uniqueSubjectPrefix, waitFor } from '@homelab/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CONTAINERS = Number(process.env['BENCH_CONTAINERS'] ?? 40);
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const PASSWORD = 'bench-admin-passphrase-2026';

interface Run {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function load(url: string, headers: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers }, (error, result) => {
      if (error) return reject(error);
      const failed = result.errors + result.timeouts + result.non2xx;
      resolve({ rps: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: failed });
    });
  });
}

/** Alternating rounds so both servers see the same machine conditions; averages of the rounds. */
async function compare(dashboardUrl: string, bareUrl: string, headers: Record<string, string>): Promise<{ dashboard: Run; bare: Run }> {
  const runs: { dashboard: Run[]; bare: Run[] } = { dashboard: [], bare: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.bare.push(await load(bareUrl, {}));
    runs.dashboard.push(await load(dashboardUrl, headers));
  }
  const mean = (list: Run[]): Run => ({
    rps: list.reduce((s, r) => s + r.rps, 0) / list.length,
    p50Ms: list.reduce((s, r) => s + r.p50Ms, 0) / list.length,
    p99Ms: list.reduce((s, r) => s + r.p99Ms, 0) / list.length,
    errors: list.reduce((s, r) => s + r.errors, 0),
  });
  return { dashboard: mean(runs.dashboard), bare: mean(runs.bare) };
}

async function login(baseUrl: string): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: HTTP ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie };
}

interface DashboardProcess {
  url: string;
  headers: Record<string, string>;
  child: ChildProcess;
}

/** The built dashboard in its own process, healthy and logged in. */
async function startDashboard(env: NodeJS.ProcessEnv): Promise<DashboardProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnNode(['apps/dashboard/dist/main.js'], { ...env, HTTP_PORT: String(port) });
  try {
    await waitFor(async () => ((await fetch(`${url}/health`).catch(() => undefined))?.status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      message: 'dashboard healthy',
    });
    const headers = await login(url);
    // the container list is complete once the fake's containers are in the cache
    await waitFor(
      async () => {
        const response = await fetch(`${url}/api/containers`, { headers });
        const parsed = (await response.json()) as { containers?: unknown[] };
        return response.ok && parsed.containers?.length === CONTAINERS ? true : undefined;
      },
      { timeoutMs: 30_000, message: `${CONTAINERS} containers listed` },
    );
    return { url, headers, child };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

function row(path: string, server: string, run: Run, bytes: number): string {
  return `${path.padEnd(18)} ${server.padEnd(22)} ${run.rps.toFixed(0).padStart(9)} ${run.p50Ms.toFixed(1).padStart(7)} ${run.p99Ms.toFixed(1).padStart(7)} ${String(run.errors).padStart(7)} ${String(bytes).padStart(7)}`;
}

async function main(): Promise<void> {
  const docker = await startDockerFake();
  for (let i = 0; i < CONTAINERS; i++) {
    docker.seedContainer({
      name: `app-${i}`,
      image: i % 3 === 0 ? 'nginx:1.27' : i % 3 === 1 ? 'postgres:17' : 'ghcr.io/home-assistant/home-assistant:2026.11',
      labels: { 'com.docker.compose.project': `stack-${i % 5}` },
      hostConfig: { PortBindings: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: String(8000 + i) }] }, Memory: 268_435_456 },
      running: i % 7 !== 0,
      stats: { cpuPercent: (i % 10) * 1.5, memoryUsage: 50_000_000 + i * 1_000_000, memoryLimit: 268_435_456 },
    });
  }
  const db = await createTestDatabase('bench_dashboard');
  const dataDir = mkdtempSync(join(tmpdir(), 'homelab-bench-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    NATS_URL: natsUrl(),
    NATS_SUBJECT_PREFIX: uniqueSubjectPrefix('bench'),
    DATABASE_URL: db.url,
    DOCKER_HOSTS: `local=unix://${docker.socketPath}`,
    DASHBOARD_ADMIN_PASSWORD: PASSWORD,
    BACKUP_DIR: join(dataDir, 'backups'),
    HOST_METRICS_INTERVAL_MS: '10000',
  };
  const dashboards: DashboardProcess[] = [];
  let bare: ChildProcess | undefined;
  try {
    // as shipped (tracing on), and with TRACING_ENABLED=false to show what tracing costs on this Node
    const traced = await startDashboard({ ...env, TRACING_ENABLED: 'true' });
    dashboards.push(traced);
    const untraced = await startDashboard({ ...env, TRACING_ENABLED: 'false' });
    dashboards.push(untraced);
    const paths = ['/api/containers', '/api/services'];
    const bodies: Record<string, string> = {};
    for (const path of paths) bodies[path] = await (await fetch(`${traced.url}${path}`, { headers: traced.headers })).text();
    const routesFile = join(dataDir, 'routes.json');
    writeFileSync(routesFile, JSON.stringify(bodies));
    bare = spawnNode(['tools/dist/bench/bare-json-server.js', routesFile], process.env);
    const bareOutput = bare.stdout;
    if (!bareOutput) throw new Error('bare server has no stdout');
    const bareUrl = await new Promise<string>((resolve) => createInterface({ input: bareOutput }).once('line', resolve));

    process.stdout.write(`Node ${process.versions.node}; warming up… (${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} rounds each, interleaved)\n`);
    for (const path of paths) {
      for (const dashboard of dashboards) await load(`${dashboard.url}${path}`, dashboard.headers);
      await load(`${bareUrl}${path}`, {});
    }
    const lines = [
      '',
      `Dashboard API benchmark (${CONTAINERS} containers on a Docker fake; the dashboard logged in with a session cookie)`,
      `${'route'.padEnd(18)} ${'server'.padEnd(22)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'bytes'.padStart(7)}`,
    ];
    const ratios: string[] = [];
    for (const path of paths) {
      const bytes = Buffer.byteLength(bodies[path] ?? '');
      const on = await compare(`${traced.url}${path}`, `${bareUrl}${path}`, traced.headers);
      const off = await compare(`${untraced.url}${path}`, `${bareUrl}${path}`, untraced.headers);
      const bareRun: Run = { rps: (on.bare.rps + off.bare.rps) / 2, p50Ms: (on.bare.p50Ms + off.bare.p50Ms) / 2, p99Ms: (on.bare.p99Ms + off.bare.p99Ms) / 2, errors: on.bare.errors + off.bare.errors };
      lines.push(row(path, 'dashboard', on.dashboard, bytes), row('', 'dashboard, no tracing', off.dashboard, bytes), row('', 'bare Fastify', bareRun, bytes));
      const ratio = on.dashboard.rps / on.bare.rps;
      ratios.push(
        `${path}: ${(ratio * 100).toFixed(0)}% of the bare route's throughput (${ratio >= 0.5 ? 'goal met' : 'goal NOT met'}), p99 ${(on.dashboard.p99Ms / Math.max(on.bare.p99Ms, 0.001)).toFixed(2)}× bare; ` +
          `without tracing ${((off.dashboard.rps / off.bare.rps) * 100).toFixed(0)}%`,
      );
    }
    lines.push('', ...ratios, 'goal: ≥ 50% of the bare route\'s throughput, as shipped (tracing on)');
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.all([...dashboards.map((d) => stopChild(d.child)), stopChild(bare)]);
    await docker.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
