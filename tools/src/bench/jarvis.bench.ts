// npm run bench:jarvis — how long a command Jarvis's model asks for takes to
// come back into the conversation: from the moment the (fake, loopback)
// model has delivered a complete run_command tool call on its stream, through
// the real `openai` client, the conversation engine (PostgreSQL writes, the
// tool's span), the RpcClient over NATS to jarvis-guard (policy, rate limits,
// audit chain, execution) and back, until the tool result is stored and
// emitted to the chat. Against, in the same run, a direct NATS request to the
// guard (guard.command.execute) with the same command. jarvis-guard runs as
// built, in its own process; the Jarvis pieces run here, as built.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { guardCommandExecute, type ParsedResponseOf, type RequestOf, type RpcContract } from '@homelab/contracts';
import { applyMigrations } from '@homelab/database';
import { createJarvis, JARVIS_GUARD_ROLE, jarvisCallerId, newTraceId, type GuardRpc, type Jarvis, type ToolUser } from '@homelab/jarvis';
import { NatsConnectionManager, PlatformNatsClient, RpcClient } from '@homelab/platform';
import { createTestDatabase, freePort, natsUrl, probeNats, startNatsServer, startOpenAiFake, uniqueSubjectPrefix, waitFor, type OpenAiFake } from '@homelab/testing';
import { createLogger, ServiceMetrics, startTracing } from '@homelab/tracing';
import { summarize, type LatencySummary } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const ITERATIONS = Number(process.env['BENCH_JARVIS_ITERATIONS'] ?? 400);
const WARMUP = Number(process.env['BENCH_JARVIS_WARMUP'] ?? 40);
const BLOCK = 20;

const COMMANDS = [
  { label: 'echo (allowed: runs)', command: 'echo jarvis-bench' },
  { label: 'rm -rf / (denied)', command: 'rm -rf /' },
] as const;

function spawnNode(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** The RpcClient, timing the guard requests the tool makes (the part of a turn the guard accounts for). */
class TimedRpc implements GuardRpc {
  readonly samples: number[] = [];
  constructor(private readonly rpc: RpcClient) {}

  async request<C extends RpcContract>(contract: C, request: RequestOf<C>): Promise<ParsedResponseOf<C>> {
    const started = performance.now();
    try {
      return await this.rpc.request(contract, request);
    } finally {
      this.samples.push(performance.now() - started);
    }
  }
}

interface Harness {
  jarvis: Jarvis;
  model: OpenAiFake;
  user: ToolUser;
  rpc: RpcClient;
  timed: TimedRpc;
}

/** One turn whose model calls run_command(local, command) once, then answers; ms from the delivered call to the stored result. */
async function toolRoundTrip(h: Harness, command: string): Promise<number> {
  let delivered = 0;
  h.model.setScript((request) =>
    request.messages.at(-1)?.role === 'tool'
      ? { text: 'ok' }
      : { toolCalls: [{ name: 'run_command', arguments: { host: 'local', command } }], onDelivered: () => (delivered = performance.now()) },
  );
  const conversation = await h.jarvis.repository.create(h.user.id, {}, newTraceId());
  const handle = await h.jarvis.engine.startTurn(h.user, conversation.id, 'run it');
  let result = 0;
  let failure = '';
  handle.subscribe((event) => {
    if (event.event === 'tool_result') {
      result = performance.now();
      if (event.data.status === 'failed') failure = JSON.stringify(event.data.result);
    }
  });
  await handle.finished;
  if (failure) throw new Error(`the tool call failed: ${failure}`);
  if (!delivered || !result) throw new Error('the turn did not run its tool call');
  return result - delivered;
}

async function directRequest(h: Harness, command: string): Promise<number> {
  const started = performance.now();
  await h.rpc.request(guardCommandExecute, { command, host: 'local', caller: { id: jarvisCallerId('bench'), role: JARVIS_GUARD_ROLE, sessionId: randomUUID() }, dryRun: false });
  return performance.now() - started;
}

/** Alternating blocks, so both paths see the same machine conditions. */
async function measure(h: Harness, command: string): Promise<{ turn: LatencySummary; guardInTurn: LatencySummary; direct: LatencySummary }> {
  for (let i = 0; i < WARMUP; i++) {
    await toolRoundTrip(h, command);
    await directRequest(h, command);
  }
  const turn: number[] = [];
  const direct: number[] = [];
  h.timed.samples.length = 0;
  for (let done = 0; done < ITERATIONS; done += BLOCK) {
    for (let i = 0; i < BLOCK; i++) turn.push(await toolRoundTrip(h, command));
    for (let i = 0; i < BLOCK; i++) direct.push(await directRequest(h, command));
  }
  return { turn: summarize(turn), guardInTurn: summarize(h.timed.samples), direct: summarize(direct) };
}

const ms = (us: number): string => (us / 1000).toFixed(2).padStart(8);

async function main(): Promise<void> {
  startTracing({ serviceName: 'dashboard-bench', enabled: true });
  const probe = await probeNats(natsUrl());
  const privateNats = probe ? undefined : await startNatsServer({ jetstream: true });
  const url = privateNats?.url ?? natsUrl();
  const prefix = uniqueSubjectPrefix('benchjarvis');
  const guardDb = await createTestDatabase('bench_jarvis_guard');
  const dashboardDb = await createTestDatabase('bench_jarvis');
  const port = await freePort();
  const guard = spawnNode(['apps/jarvis-guard/dist/main.js'], {
    ...process.env,
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    NATS_URL: url,
    NATS_SUBJECT_PREFIX: prefix,
    DATABASE_URL: guardDb.url,
    TRACING_ENABLED: 'true',
    GUARD_RATE_PER_MINUTE: '10000',
    GUARD_SESSION_RATE_PER_MINUTE: '10000',
    GUARD_MAX_CONSECUTIVE_DENIALS: '1000',
  });
  const model = await startOpenAiFake({ models: ['bench-model'] });
  const pool = new pg.Pool({ connectionString: dashboardDb.url, max: 8 });
  pool.on('error', () => undefined);
  const logger = createLogger({ service: 'dashboard', instanceId: 'bench', level: 'warn', redact: (s) => s });
  const metrics = new ServiceMetrics('dashboard');
  const manager = new NatsConnectionManager({ servers: [url], name: 'bench-jarvis' }, logger, metrics);
  let jarvis: Jarvis | undefined;
  try {
    await applyMigrations({ pool, migrationsDir: join(root, 'apps/dashboard/prisma/migrations') });
    const { rows } = await pool.query<{ id: string }>(`INSERT INTO app_user (username, role, provider, password_hash) VALUES ('bench', 'admin', 'local', 'x') RETURNING id`);
    const user: ToolUser = { id: (rows[0] as { id: string }).id, username: 'bench', role: 'admin' };
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200, { timeoutMs: 30_000, message: 'jarvis-guard healthy' });

    await manager.connect();
    const client = new PlatformNatsClient({ manager, prefix, metrics, defaultTimeoutMs: 10_000 });
    await client.connect();
    const rpc = new RpcClient(client, manager, 10_000);
    const timed = new TimedRpc(rpc);
    jarvis = createJarvis({
      pool,
      rpc: timed,
      logger,
      instanceId: 'bench',
      model: { baseUrl: model.baseUrl, model: 'bench-model', timeoutMs: 10_000, maxRetries: 0 },
      maxToolRounds: 2,
      approvalWaitMs: 60_000,
    });
    const h: Harness = { jarvis, model, user, rpc, timed };

    const lines = [
      '',
      `Jarvis benchmark: the model's complete run_command call → jarvis-guard's decision → the tool result stored and emitted`,
      `(${ITERATIONS} turns and ${ITERATIONS} direct requests per command, interleaved in blocks of ${BLOCK}; ${WARMUP} of each to warm up; tracing on)`,
      `${'command'.padEnd(22)} ${'path'.padEnd(40)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'mean ms'.padStart(8)}`,
    ];
    for (const { label, command } of COMMANDS) {
      process.stdout.write(`measuring ${label}…\n`);
      const { turn, guardInTurn, direct } = await measure(h, command);
      lines.push(
        `${label.padEnd(22)} ${'Jarvis: tool call → result in the chat'.padEnd(40)} ${ms(turn.p50Us)} ${ms(turn.p99Us)} ${ms(turn.meanUs)}`,
        `${''.padEnd(22)} ${'  of which the guard request'.padEnd(40)} ${ms(guardInTurn.p50Us)} ${ms(guardInTurn.p99Us)} ${ms(guardInTurn.meanUs)}`,
        `${''.padEnd(22)} ${'direct NATS request to the guard'.padEnd(40)} ${ms(direct.p50Us)} ${ms(direct.p99Us)} ${ms(direct.meanUs)}`,
        `${''.padEnd(22)} ${'ratio Jarvis / direct'.padEnd(40)} ${`${(turn.p50Us / direct.p50Us).toFixed(2)}×`.padStart(8)} ${`${(turn.p99Us / direct.p99Us).toFixed(2)}×`.padStart(8)} ${`${(turn.meanUs / direct.meanUs).toFixed(2)}×`.padStart(8)}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await jarvis?.engine.shutdown();
    await manager.drain(2000);
    await stopChild(guard);
    await model.close();
    await pool.end();
    await Promise.all([guardDb.drop(), dashboardDb.drop()]);
    await privateNats?.dispose();
  }
}

await main();
process.exit(0);
