import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import type { DynamicModule, Type } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { z } from 'zod';
import type { ServiceName } from '@homelab/contracts';
import { ConfigError, loadConfig, processEnvironment, type Environment, type ServiceConfig } from '@homelab/config';
import { createSecretStore, redactor, type SecretStore } from '@homelab/secrets';
import { createLogger } from '@homelab/tracing';
import { registerHttpMetrics } from './http/http-metrics.js';
import { registerHttpTracing } from './http/http-tracing.js';
import { NestPinoLogger } from './logging/nest-logger.js';
import { PlatformNatsServer } from './nats/platform-nats-server.js';
import { ServiceRuntime } from './runtime.js';

export interface ServiceSpec<S extends z.ZodObject> {
  service: ServiceName;
  version: string;
  configSchema: S;
  /** Folder of the service's Prisma migrations. */
  migrationsDir: string;
  /** The app's root module, given the runtime it may inject pieces of. */
  module: (runtime: ServiceRuntime, config: z.output<S>) => Type<unknown> | DynamicModule;
  /** Registers Fastify plugins (cookies, static files, rate limits) and hooks before the server listens. */
  configureHttp?: (app: NestFastifyApplication, runtime: ServiceRuntime, config: z.output<S>) => Promise<void>;
  /** Extra Fastify constructor options (e.g. `trustProxy`); the platform's body limit and 503-on-close stay. */
  httpAdapterOptions?: (config: z.output<S>) => Pick<FastifyServerOptions, 'trustProxy'>;
}

export interface RunningService {
  runtime: ServiceRuntime;
  app: NestFastifyApplication;
  url: string;
  /** Stops taking work, drains NATS, closes the database; bounded by SHUTDOWN_TIMEOUT_MS. */
  close(): Promise<void>;
}

/** Reads Vault settings first (they may only come from env/files), then the whole configuration. */
async function readConfiguration<S extends z.ZodObject>(schema: S, env: Environment): Promise<{ config: z.output<S>; secrets: SecretStore }> {
  const local = createSecretStore(env);
  const vaultSettings = schema.pick({ VAULT_ADDR: true, VAULT_KV_MOUNT: true, VAULT_SECRET_PATH: true, VAULT_CACERT: true, VAULT_TOKEN: true });
  const vault = (await loadConfig(vaultSettings, env, local.resolver())) as unknown as Pick<
    ServiceConfig,
    'VAULT_ADDR' | 'VAULT_KV_MOUNT' | 'VAULT_SECRET_PATH' | 'VAULT_CACERT' | 'VAULT_TOKEN'
  >;
  if (vault.VAULT_ADDR && !vault.VAULT_TOKEN) throw new ConfigError('VAULT_TOKEN', 'is required when VAULT_ADDR is set');
  const store = vault.VAULT_ADDR
    ? createSecretStore(env, {
        address: vault.VAULT_ADDR,
        token: vault.VAULT_TOKEN as string,
        mount: vault.VAULT_KV_MOUNT,
        path: vault.VAULT_SECRET_PATH,
        ...(vault.VAULT_CACERT ? { caCertPem: await readCaCert(vault.VAULT_CACERT) } : {}),
      })
    : local;
  return { config: await loadConfig(schema, env, store.resolver()), secrets: store };
}

async function readCaCert(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new ConfigError('VAULT_CACERT', `names a file that cannot be read (${path})`);
  }
}

/**
 * Builds and starts one service: HTTP (Fastify) first so `/health` answers
 * at once, then the NATS listener and database migrations in the
 * background, each reported by `/health` until ready.
 */
export interface StartOptions {
  /** Where JSON log lines go (stdout by default); tests capture them. */
  logDestination?: DestinationStream;
}

export async function startService<S extends z.ZodObject>(
  spec: ServiceSpec<S>,
  env: Environment = processEnvironment(),
  options: StartOptions = {},
): Promise<RunningService> {
  const { config, secrets } = await readConfiguration(spec.configSchema, env);
  const common = config as unknown as ServiceConfig;
  const runtime = new ServiceRuntime(
    spec.service,
    spec.version,
    common,
    createLogger({
      service: spec.service,
      instanceId: `${process.pid}`,
      level: common.LOG_LEVEL,
      redact: (line) => redactor.redact(line),
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    }),
    spec.migrationsDir,
    secrets,
  );
  const { logger } = runtime;
  const adapter = new FastifyAdapter({ ...spec.httpAdapterOptions?.(config), bodyLimit: 1024 * 1024, return503OnClosing: true });
  registerHttpMetrics(adapter.getInstance(), runtime.metrics);
  if (common.TRACING_ENABLED) registerHttpTracing(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(spec.module(runtime, config), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  app.connectMicroservice(
    {
      strategy: new PlatformNatsServer({
        manager: runtime.nats,
        prefix: common.NATS_SUBJECT_PREFIX,
        queue: spec.service,
        namespace: `${runtime.subjectToken}.>`,
        logger,
        metrics: runtime.metrics,
      }),
    },
    { inheritAppConfig: true },
  );
  await spec.configureHttp?.(app, runtime, config);
  await app.listen({ port: common.HTTP_PORT, host: common.HTTP_HOST });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : common.HTTP_PORT;
  const shownHost = common.HTTP_HOST === '0.0.0.0' || common.HTTP_HOST === '::' ? 'localhost' : common.HTTP_HOST;
  runtime.httpUrl = `http://${shownHost}:${port}`;
  void runtime.database.start();
  const listening = app.startAllMicroservices().then(
    () => runtime.heartbeat.start(common.HEARTBEAT_INTERVAL_MS),
    (error: unknown) => logger.error({ err: error }, 'NATS listener failed to start'),
  );
  logger.info({ url: runtime.httpUrl }, `${spec.service} listening`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      runtime.heartbeat.stop();
      const budget = common.SHUTDOWN_TIMEOUT_MS;
      const deadline = Date.now() + budget;
      await withTimeout(app.close(), budget * 0.6);
      await withTimeout(runtime.runCloseHooks(), Math.max(100, deadline - Date.now() - 1000));
      await runtime.nats.drain(Math.max(100, deadline - Date.now() - 500));
      await Promise.race([listening, Promise.resolve()]);
      await runtime.database.close();
      logger.info('Stopped');
      logger.flush();
    })();
    return closing;
  };
  return { runtime, app, url: runtime.httpUrl, close };
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

/**
 * Entry point for `main.ts`: starts the service, prints one line and exits
 * on bad configuration, and shuts down gracefully on SIGTERM / SIGINT
 * within SHUTDOWN_TIMEOUT_MS.
 */
export async function runService<S extends z.ZodObject>(spec: ServiceSpec<S>): Promise<void> {
  let running: RunningService;
  try {
    running = await startService(spec);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `${spec.service} failed to start: ${redactor.redactError(error).message}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
  const budget = running.runtime.config.SHUTDOWN_TIMEOUT_MS;
  const stop = (signal: NodeJS.Signals): void => {
    running.runtime.logger.info({ signal }, 'Shutting down');
    setTimeout(() => {
      running.runtime.logger.error(`Shutdown took longer than ${budget} ms; exiting anyway`);
      process.exit(1);
    }, budget).unref();
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
