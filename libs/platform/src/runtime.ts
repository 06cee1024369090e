import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ServiceName } from '@homelab/contracts';
import type { ServiceConfig } from '@homelab/config';
import { ServiceMetrics, type Logger } from '@homelab/tracing';
import { ServiceDatabase } from './database/service-database.js';
import { HealthService } from './health/health.service.js';
import { HeartbeatService } from './heartbeat/heartbeat.service.js';
import { NatsConnectionManager } from './nats/nats-connection.js';
import { PlatformNatsClient } from './nats/platform-nats-client.js';
import { RpcClient } from './rpc/rpc-client.js';
import { services } from '@homelab/contracts';
import { ConfigError } from '@homelab/config';
import { DataCipher, KeyRingError, parseKeyRing, type KeyRing, type SecretStore } from '@homelab/secrets';

function parseKeyRingOrExplain(spec: string): KeyRing {
  try {
    return parseKeyRing(spec);
  } catch (error) {
    if (error instanceof KeyRingError) throw new ConfigError('DATA_ENCRYPTION_KEYS', error.message);
    throw error;
  }
}

/** Everything a service is made of before Nest wires it: built once, closed once. */
export class ServiceRuntime {
  readonly instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly startedAt = new Date();
  readonly metrics: ServiceMetrics;
  readonly nats: NatsConnectionManager;
  readonly natsClient: PlatformNatsClient;
  readonly rpc: RpcClient;
  readonly database: ServiceDatabase;
  readonly health: HealthService;
  readonly heartbeat: HeartbeatService;
  /** Encryption at rest, when DATA_ENCRYPTION_KEYS is set; its keys are registered for redaction. */
  readonly cipher: DataCipher | undefined;
  httpUrl = '';
  private readonly closeHooks: (() => Promise<void>)[] = [];

  /** Work to finish on shutdown, after the service stops taking work and before NATS and the database close. */
  onClose(hook: () => Promise<void>): void {
    this.closeHooks.push(hook);
  }

  async runCloseHooks(): Promise<void> {
    await Promise.allSettled(this.closeHooks.splice(0).map((hook) => hook()));
  }

  constructor(
    readonly service: ServiceName,
    readonly version: string,
    readonly config: ServiceConfig,
    readonly logger: Logger,
    migrationsDir: string,
    /** Where the service's secrets come from (env, *_FILE, Vault), for those read after start-up. */
    readonly secrets: SecretStore,
  ) {
    this.cipher = config.DATA_ENCRYPTION_KEYS ? new DataCipher(parseKeyRingOrExplain(config.DATA_ENCRYPTION_KEYS)) : undefined;
    this.metrics = new ServiceMetrics(service);
    this.nats = new NatsConnectionManager(
      { servers: config.NATS_URL, name: `${service}@${this.instanceId}`, user: config.NATS_USER, pass: config.NATS_PASSWORD },
      logger,
      this.metrics,
    );
    this.natsClient = new PlatformNatsClient({
      manager: this.nats,
      prefix: config.NATS_SUBJECT_PREFIX,
      metrics: this.metrics,
      defaultTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    });
    this.rpc = new RpcClient(this.natsClient, this.nats, config.NATS_REQUEST_TIMEOUT_MS);
    this.database = new ServiceDatabase({
      connectionString: config.DATABASE_URL,
      poolMax: config.DATABASE_POOL_MAX,
      migrationsDir,
      logger,
    });
    this.health = new HealthService(
      { service, instanceId: this.instanceId, version, startedAt: this.startedAt },
      this.metrics,
    );
    this.health.register('nats', () => {
      const status = this.nats.status();
      return status.up ? { status: 'up' } : { status: 'down', error: status.error };
    });
    this.health.register('database', () => this.database.check());
    this.heartbeat = new HeartbeatService(service, () => this.httpUrl, this.health, this.rpc, logger);
  }

  get subjectToken(): string {
    return services[this.service].subjectToken;
  }
}
