import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { guardPing } from '@homelab/contracts';
import { NatsConnectionManager, PlatformNatsClient, RpcClient } from '@homelab/platform';
import { createTestDatabase, freePort, natsUrl, waitFor } from '@homelab/testing';
import { createLogger, ServiceMetrics, startTracing } from '@homelab/tracing';
import { summarize } from './stats.js';
startTracing({ serviceName: 'x', enabled: process.env['TR'] !== '0' });
const url = natsUrl(); const prefix = 'exp.';
const db = await createTestDatabase('exp'); const port = await freePort();
const guard = spawn(process.execPath, ['apps/jarvis-guard/dist/main.js'], { env: { ...process.env, LOG_LEVEL: 'warn', HTTP_PORT: String(port), NATS_URL: url, NATS_SUBJECT_PREFIX: prefix, DATABASE_URL: db.url, TRACING_ENABLED: process.env['TR'] === '0' ? 'false' : 'true' }, stdio: 'inherit' });
const raw = spawn(process.execPath, ['tools/dist/bench/raw-responder.js', url, 'exp.raw'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((r) => createInterface({ input: raw.stdout! }).once('line', () => r()));
await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200, { timeoutMs: 30000 });
const logger = createLogger({ service: 'dashboard', instanceId: 'b', level: 'warn', redact: (s) => s });
const metrics = new ServiceMetrics('dashboard');
const manager = new NatsConnectionManager({ servers: [url], name: 'b' }, logger, metrics); await manager.connect();
const client = new PlatformNatsClient({ manager, prefix, metrics, defaultTimeoutMs: 5000 }); await client.connect();
const rpc = new RpcClient(client, manager, 5000);
const nc = await connect({ servers: url });
const body = JSON.stringify({ payload: 'hello world payload' });
const env = JSON.stringify({ id: '1', pattern: 'guard.system.ping', data: { payload: 'hello world payload' } });
const cases: Record<string, () => Promise<unknown>> = {
  rawToRaw: () => nc.request('exp.raw', body, { timeout: 5000 }),
  rawToGuard: () => nc.request('exp.guard.system.ping', env, { timeout: 5000 }),
  rpcToGuard: () => rpc.request(guardPing, { payload: 'hello world payload' }),
  nestSendToGuard: () => new Promise((res, rej) => client.send('guard.system.ping', { payload: 'hello world payload' }).subscribe({ next: res, error: rej })),
};
for (let round = 0; round < 2; round++) for (const [name, fn] of Object.entries(cases)) {
  const s: number[] = [];
  for (let i = 0; i < 3000; i++) { const t = performance.now(); await fn(); s.push(performance.now() - t); }
  const r = summarize(s); if (round) console.log(name.padEnd(16), r.p50Us.toFixed(0), r.p99Us.toFixed(0));
}
guard.kill(); raw.kill(); await nc.close(); await db.drop(); process.exit(0);
