// npm run bench:rpc — dashboard → jarvis-guard request/reply through the
// NestJS NATS transport (PlatformNatsClient + RpcClient, zod on both ends,
// tracing on) against raw nats.js request/reply on the same NATS server, in
// one run. Both responders are separate processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { guardPing } from '@homelab/contracts';
import { NatsConnectionManager, PlatformNatsClient, RpcClient } from '@homelab/platform';
import { createTestDatabase, freePort, natsUrl, probeNats, startNatsServer, uniqueSubjectPrefix, waitFor } from '@homelab/testing';
import { createLogger, ServiceMetrics, startTracing } from '@homelab/tracing';
import { summarize, throughput, type LatencySummary } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const SEQUENTIAL = Number(process.env['BENCH_SEQUENTIAL'] ?? 10_000);
const CONCURRENT_TOTAL = Number(process.env['BENCH_CONCURRENT'] ?? 40_000);
const IN_FLIGHT = 32;
const payload = { payload: 'ping from the dashboard: a small payload of about a hundred bytes for the bench' };

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Runs `work` and reports the CPU each process spent on it, in µs per request. */
async function cpuPerRequest<T>(pids: Record<string, number>, requests: number, work: () => Promise<T>): Promise<{ result: T; perRequestUs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const result = await work();
  const perRequestUs = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, ((cpuSeconds(pid) - (before[name] ?? 0)) / requests) * 1e6]),
  );
  return { result, perRequestUs };
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function sequential(call: () => Promise<unknown>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Alternating blocks so both paths see the same machine conditions. */
async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, count: number, block = 500) {
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let done = 0; done < count; done += block) {
    samplesA.push(...(await sequential(a, block)));
    samplesB.push(...(await sequential(b, block)));
  }
  return { a: summarize(samplesA), b: summarize(samplesB) };
}

function row(name: string, service: number, raw: number, unit: string, lowerIsBetter: boolean): string {
  const ratio = service / raw;
  return `${name.padEnd(26)} ${service.toFixed(1).padStart(10)} ${raw.toFixed(1).padStart(10)}  ${unit.padEnd(6)} ${ratio.toFixed(2).padStart(6)}×${lowerIsBetter ? '' : ' of raw'}`;
}

function avg(a: number | undefined, b: number | undefined): number {
  return ((a ?? NaN) + (b ?? NaN)) / 2;
}

/** The nats-server process listening on the URL's port, if it runs on this machine. */
function natsServerPid(url: string): number {
  const port = new URL(url).port || '4222';
  const ss = spawnSync('sh', ['-c', `ss -Hltnp 'sport = :${port}' 2>/dev/null`], { encoding: 'utf8' });
  return Number(/pid=(\d+)/.exec(ss.stdout)?.[1] ?? 0);
}

async function main(): Promise<void> {
  startTracing({ serviceName: 'dashboard-bench', enabled: true });
  const probe = await probeNats(natsUrl());
  const privateNats = probe ? undefined : await startNatsServer({ jetstream: false });
  const url = privateNats?.url ?? natsUrl();
  const prefix = uniqueSubjectPrefix('bench');
  const db = await createTestDatabase('bench');
  const port = await freePort();
  // BENCH_PROFILE=<dir> writes a CPU profile of the guard process there
  const profile = process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : [];
  const guard = spawnNode([...profile, 'apps/jarvis-guard/dist/main.js'], {
    ...process.env,
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(port),
    NATS_URL: url,
    NATS_SUBJECT_PREFIX: prefix,
    DATABASE_URL: db.url,
    TRACING_ENABLED: 'true',
  });
  const rawSubject = `${prefix}bench.raw.ping`;
  const raw = spawnNode(['tools/dist/bench/raw-responder.js', url, rawSubject], process.env);
  try {
    const rawOutput = raw.stdout;
    if (!rawOutput) throw new Error('raw responder has no stdout');
    await new Promise<void>((resolve) => createInterface({ input: rawOutput }).once('line', () => resolve()));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      message: 'jarvis-guard healthy',
    });

    const logger = createLogger({ service: 'dashboard', instanceId: 'bench', level: 'warn', redact: (s) => s });
    const metrics = new ServiceMetrics('dashboard');
    const manager = new NatsConnectionManager({ servers: [url], name: 'bench-dashboard' }, logger, metrics);
    await manager.connect();
    const client = new PlatformNatsClient({ manager, prefix, metrics, defaultTimeoutMs: 5000 });
    await client.connect();
    const rpc = new RpcClient(client, manager, 5000);
    // the same connection option the service stack uses, so the baseline is the bare protocol
    const rawNc = await connect({ servers: url, noAsyncTraces: true });
    const body = JSON.stringify(payload);

    const viaService = () => rpc.request(guardPing, payload);
    const viaRaw = () => rawNc.request(rawSubject, body, { timeout: 5000 }).then((m) => m.json());

    process.stdout.write('warming up…\n');
    await sequential(viaService, 2000);
    await sequential(viaRaw, 2000);
    process.stdout.write(`sequential: ${SEQUENTIAL} requests each, interleaved…\n`);
    const latency: { a: LatencySummary; b: LatencySummary } = await interleaved(viaService, viaRaw, SEQUENTIAL);
    process.stdout.write(`throughput: ${CONCURRENT_TOTAL} requests each at ${IN_FLIGHT} in flight…\n`);
    const natsPid = natsServerPid(url);
    const half = CONCURRENT_TOTAL / 2;
    const pids = (responder: ChildProcess) => ({ client: process.pid, responder: responder.pid ?? 0, 'nats-server': natsPid });
    const rawRun1 = await cpuPerRequest(pids(raw), half, () => throughput(viaRaw, half, IN_FLIGHT));
    const serviceRun1 = await cpuPerRequest(pids(guard), half, () => throughput(viaService, half, IN_FLIGHT));
    const rawRun2 = await cpuPerRequest(pids(raw), half, () => throughput(viaRaw, half, IN_FLIGHT));
    const serviceRun2 = await cpuPerRequest(pids(guard), half, () => throughput(viaService, half, IN_FLIGHT));
    const serviceRps = (serviceRun1.result + serviceRun2.result) / 2;
    const rawRps = (rawRun1.result + rawRun2.result) / 2;
    const cpuRow = (name: string) =>
      row(`  CPU/request: ${name}`, avg(serviceRun1.perRequestUs[name], serviceRun2.perRequestUs[name]), avg(rawRun1.perRequestUs[name], rawRun2.perRequestUs[name]), 'µs', true);

    const lines = [
      '',
      `RPC benchmark: dashboard → jarvis-guard (guard.system.ping, ${body.length}-byte payload), tracing on`,
      `${'metric'.padEnd(26)} ${'service'.padStart(10)} ${'raw NATS'.padStart(10)}  unit   ratio`,
      row('latency p50 (sequential)', latency.a.p50Us, latency.b.p50Us, 'µs', true),
      row('latency p99 (sequential)', latency.a.p99Us, latency.b.p99Us, 'µs', true),
      row('latency mean (sequential)', latency.a.meanUs, latency.b.meanUs, 'µs', true),
      row(`throughput (${IN_FLIGHT} in flight)`, serviceRps, rawRps, 'req/s', false),
      cpuRow('client'),
      cpuRow('responder'),
      ...(natsPid ? [cpuRow('nats-server')] : []),
      '',
      `goal: p50 ≤ 1.2× raw: ${latency.a.p50Us / latency.b.p50Us <= 1.2 ? 'met' : 'NOT met'}; ` +
        `p99 ≤ 1.2× raw: ${latency.a.p99Us / latency.b.p99Us <= 1.2 ? 'met' : 'NOT met'}; ` +
        `throughput ≥ 80% of raw: ${serviceRps / rawRps >= 0.8 ? 'met' : 'NOT met'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    await rawNc.close();
    await manager.drain(2000);
  } finally {
    await Promise.all([stopChild(guard), stopChild(raw)]);
    await db.drop();
    await privateNats?.dispose();
  }
}

await main();
process.exit(0);
