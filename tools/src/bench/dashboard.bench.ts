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
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let dashboard: ChildProcess | undefined;
  let bare: ChildProcess | undefined;
  try {
    dashboard = spawnNode(['apps/dashboard/dist/main.js'], {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      NATS_URL: natsUrl(),
      NATS_SUBJECT_PREFIX: uniqueSubjectPrefix('bench'),
      DATABASE_URL: db.url,
      DOCKER_HOSTS: `local=unix://${docker.socketPath}`,
      DASHBOARD_ADMIN_PASSWORD: PASSWORD,
      BACKUP_DIR: join(dataDir, 'backups'),
      HOST_METRICS_INTERVAL_MS: '10000',
    });
    await waitFor(async () => ((await fetch(`${baseUrl}/health`).catch(() => undefined))?.status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      message: 'dashboard healthy',
    });
    const headers = await login(baseUrl);
    const paths = ['/api/containers', '/api/services'];
    // the container list is complete once the fake's containers are in the cache
    const bodies: Record<string, string> = {};
    await waitFor(
      async () => {
        const response = await fetch(`${baseUrl}/api/containers`, { headers });
        const text = await response.text();
        const parsed = JSON.parse(text) as { containers?: unknown[] };
        return response.ok && parsed.containers?.length === CONTAINERS ? text : undefined;
      },
      { timeoutMs: 30_000, message: `${CONTAINERS} containers listed` },
    );
    for (const path of paths) bodies[path] = await (await fetch(`${baseUrl}${path}`, { headers })).text();
    const routesFile = join(dataDir, 'routes.json');
    writeFileSync(routesFile, JSON.stringify(bodies));
    bare = spawnNode(['tools/dist/bench/bare-json-server.js', routesFile], process.env);
    const bareOutput = bare.stdout;
    if (!bareOutput) throw new Error('bare server has no stdout');
    const bareUrl = await new Promise<string>((resolve) => createInterface({ input: bareOutput }).once('line', resolve));

    process.stdout.write(`warming up… (${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} rounds each, interleaved)\n`);
    for (const path of paths) {
      await load(`${baseUrl}${path}`, headers);
      await load(`${bareUrl}${path}`, {});
    }
    const lines = [
      '',
      `Dashboard API benchmark (${CONTAINERS} containers on a Docker fake; dashboard logged in with a session cookie)`,
      `${'route'.padEnd(18)} ${'server'.padEnd(10)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'bytes'.padStart(7)}`,
    ];
    const ratios: string[] = [];
    for (const path of paths) {
      const { dashboard: d, bare: b } = await compare(`${baseUrl}${path}`, `${bareUrl}${path}`, headers);
      const size = String(Buffer.byteLength(bodies[path] ?? ''));
      lines.push(`${path.padEnd(18)} ${'dashboard'.padEnd(10)} ${d.rps.toFixed(0).padStart(9)} ${d.p50Ms.toFixed(1).padStart(7)} ${d.p99Ms.toFixed(1).padStart(7)} ${String(d.errors).padStart(7)} ${size.padStart(7)}`);
      lines.push(`${''.padEnd(18)} ${'bare'.padEnd(10)} ${b.rps.toFixed(0).padStart(9)} ${b.p50Ms.toFixed(1).padStart(7)} ${b.p99Ms.toFixed(1).padStart(7)} ${String(b.errors).padStart(7)} ${size.padStart(7)}`);
      const ratio = d.rps / b.rps;
      ratios.push(`${path}: ${(ratio * 100).toFixed(0)}% of bare throughput (${ratio >= 0.5 ? 'goal met' : 'goal NOT met'}), p99 ${(d.p99Ms / Math.max(b.p99Ms, 0.001)).toFixed(2)}× bare`);
    }
    lines.push('', ...ratios, 'goal: ≥ 50% of the bare route\'s throughput');
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.all([stopChild(dashboard), stopChild(bare)]);
    await docker.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
