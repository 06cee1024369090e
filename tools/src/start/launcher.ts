import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serviceNames, services, type ServiceName } from '@homelab/contracts';
import { ensureDatabases, type DatabasesHandle } from './databases.js';
import { ensureNats, type NatsHandle } from './nats.js';
import { ensureLocalSecrets } from './local-secrets.js';
import { logFileFor, SupervisedService } from './supervisor.js';

export interface LaunchOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
}

const HEALTH_DEADLINE_MS = 60_000;
const CATALOG_EXAMPLE = fileURLToPath(new URL('../../../apps/dashboard/catalog.example.yaml', import.meta.url));

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePorts(base: number | undefined): Promise<Record<ServiceName, number>> {
  const ports = {} as Record<ServiceName, number>;
  for (const service of serviceNames) {
    const wanted = base === undefined ? services[service].defaultHttpPort : base + (services[service].defaultHttpPort - 3000);
    if (!(await portIsFree(wanted))) {
      throw new Error(`Port ${wanted} for ${service} is in use: stop what uses it, or set HTTP_PORT_BASE (e.g. HTTP_PORT_BASE=4000)`);
    }
    ports[service] = wanted;
  }
  return ports;
}

async function health(url: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { down?: string[]; checks?: Record<string, { error?: string }> };
    if (response.ok) return { ok: true, detail: 'up' };
    const first = body.down?.[0];
    return { ok: false, detail: first ? `${first}: ${body.checks?.[first]?.error ?? 'down'}` : `HTTP ${response.status}` };
  } catch {
    return { ok: false, detail: 'not answering yet' };
  }
}

/**
 * The dashboard's place for the operator's files on this machine: the service
 * catalog (made from the example on first start) and database backups.
 */
function dashboardDefaults(dataDir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const catalog = env['CATALOG_FILE'] ?? join(dataDir, 'catalog.yaml');
  if (!env['CATALOG_FILE'] && !existsSync(catalog)) copyFileSync(CATALOG_EXAMPLE, catalog);
  return { CATALOG_FILE: catalog, BACKUP_DIR: env['BACKUP_DIR'] ?? join(dataDir, 'backups') };
}

/** The setup link while the dashboard has no account yet (the token stays on this terminal, never in a log). */
async function firstAccountLink(dashboardUrl: string, token: string | undefined): Promise<string | undefined> {
  if (!token) return undefined;
  try {
    const response = await fetch(`${dashboardUrl}/api/auth/status`, { signal: AbortSignal.timeout(2000) });
    const status = (await response.json()) as { setupRequired?: boolean };
    return status.setupRequired ? `${dashboardUrl}/setup#token=${token}` : undefined;
  } catch {
    return undefined;
  }
}

/** Starts NATS (if needed), the databases and the five services; Ctrl-C stops them all. */
export async function launch(options: LaunchOptions): Promise<{ stop(): Promise<void>; urls: Record<ServiceName, string> }> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  const dataDir = env['HOMELAB_DATA_DIR'] ?? join(options.root, '.data');
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });

  let nats: NatsHandle | undefined;
  let databases: DatabasesHandle | undefined;
  const children: SupervisedService[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.all(children.map((c) => c.stop(12_000)));
      await databases?.stop();
      await nats?.stop();
    })();
    return stopping;
  };

  try {
    const base = env['HTTP_PORT_BASE'] ? Number(env['HTTP_PORT_BASE']) : undefined;
    const ports = await choosePorts(base);
    nats = await ensureNats(env['NATS_URL'] ?? 'nats://127.0.0.1:4222', dataDir, print);
    print(`• NATS ${nats.startedHere ? 'started' : 'found'} at ${nats.url}`);
    databases = await ensureDatabases(serviceNames, env['DATABASE_URL'], dataDir);
    print(`• Database: ${databases.description}`);

    const secrets = ensureLocalSecrets(dataDir, env);
    const dashboardEnv = dashboardDefaults(dataDir, env);
    const urls = {} as Record<ServiceName, string>;
    for (const service of serviceNames) {
      urls[service] = `http://localhost:${ports[service]}`;
      const child = new SupervisedService(
        {
          service,
          entry: join(options.root, 'apps', service, 'dist', 'main.js'),
          logFile: logFileFor(logDir, service),
          env: {
            ...env,
            ...secrets.shared,
            ...(service === 'dashboard' ? { ...secrets.dashboard, ...dashboardEnv } : {}),
            NODE_ENV: env['NODE_ENV'] ?? 'development',
            HTTP_HOST: '127.0.0.1',
            HTTP_PORT: String(ports[service]),
            NATS_URL: nats.url,
            DATABASE_URL: databases.urls[service],
            // the embedded database multiplexes few connections
            DATABASE_POOL_MAX: env['DATABASE_URL'] ? (env['DATABASE_POOL_MAX'] ?? '10') : '2',
          },
        },
        print,
      );
      children.push(child);
      child.start();
    }
    print(`• Starting ${serviceNames.join(', ')}…`);

    let lastReport = 0;
    for (;;) {
      const results = await Promise.all(serviceNames.map(async (s) => [s, await health(urls[s])] as const));
      const waiting = results.filter(([, r]) => !r.ok);
      if (waiting.length === 0) break;
      if (Date.now() - started > HEALTH_DEADLINE_MS) {
        throw new Error(`Not healthy after ${HEALTH_DEADLINE_MS / 1000} s: ${waiting.map(([s, r]) => `${s} (${r.detail})`).join(', ')}; logs in ${logDir}`);
      }
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        print(`  waiting for ${waiting.map(([s, r]) => `${s} (${r.detail})`).join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    const width = Math.max(...serviceNames.map((s) => s.length));
    print('');
    print(`Homelab control plane is up (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const service of serviceNames) {
      print(`  ${service.padEnd(width)}  ${urls[service]}   health: ${urls[service]}/health`);
    }
    print(`  ${'NATS'.padEnd(width)}  ${nats.url}`);
    const setupLink = await firstAccountLink(urls.dashboard, secrets.setupToken);
    if (setupLink) print(`First start: create the admin account at ${setupLink}`);
    print(`Logs: ${logDir}/<service>.log    Stop: Ctrl-C`);
    return { stop, urls };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** For `npm start`: run until Ctrl-C / SIGTERM, then stop everything. */
export async function launchAndWait(root: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof launch>>;
  try {
    handle = await launch({ root });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    console.log(`\n• ${signal}: stopping services…`);
    handle.stop().then(
      () => {
        console.log('• Stopped.');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
}
