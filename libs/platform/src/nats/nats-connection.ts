import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger, ServiceMetrics } from '@homelab/tracing';

export interface NatsConnectionOptions {
  servers: string[];
  name: string;
  user?: string | undefined;
  pass?: string | undefined;
}

/**
 * Owns the service's single NATS connection. Both the Nest server (handlers)
 * and client (requests, events) use it. It never gives up reconnecting
 * (nats.js stops after ~20 s by default) and waits for the first connect, so
 * a service started before NATS comes up on its own once NATS does.
 */
export class NatsConnectionManager {
  private connection: NatsConnection | undefined;
  private connecting: Promise<NatsConnection> | undefined;
  private connected = false;
  private lastError: string | undefined = 'not connected yet';
  private closed = false;

  constructor(
    private readonly options: NatsConnectionOptions,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** Resolves once connected; later calls share the same connection. */
  connect(): Promise<NatsConnection> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  /** The connection if it has been established at least once. */
  current(): NatsConnection | undefined {
    return this.connection;
  }

  status(): { up: boolean; error?: string } {
    return this.connected ? { up: true } : { up: false, error: this.lastError ?? 'disconnected' };
  }

  private async open(): Promise<NatsConnection> {
    const nc = await connect({
      servers: this.options.servers,
      name: this.options.name,
      user: this.options.user,
      pass: this.options.pass,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: 500,
      reconnectJitter: 250,
      // notice a dead server within ~10 s instead of nats.js' default 4 minutes
      pingInterval: 5_000,
      maxPingOut: 2,
      // nats.js otherwise builds two Error objects (stack captures) per request
      // just in case it fails; failures are mapped to RpcErrors naming the subject anyway
      noAsyncTraces: true,
    });
    this.connection = nc;
    this.setConnected(true);
    this.logger.info({ server: nc.getServer() }, 'NATS connected');
    void this.watch(nc);
    return nc;
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.lastError = `disconnected from ${status.server}`;
          this.setConnected(false);
          this.logger.warn({ server: status.server }, 'NATS disconnected; reconnecting');
          break;
        case 'reconnect':
          this.setConnected(true);
          this.metrics.natsReconnects.inc();
          this.logger.info({ server: status.server }, 'NATS reconnected');
          break;
        case 'error':
          this.lastError = String(status.error);
          this.logger.error({ err: status.error }, 'NATS error');
          break;
        case 'slowConsumer':
          this.logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'NATS slow consumer');
          break;
        default:
          break;
      }
    }
    if (!this.closed) this.logger.error('NATS connection closed unexpectedly');
    this.setConnected(false);
  }

  private setConnected(up: boolean): void {
    this.connected = up;
    if (up) this.lastError = undefined;
    this.metrics.natsConnected.set(up ? 1 : 0);
  }

  /** Delivers what is in flight, then closes. Bounded by `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.closed = true;
    const nc = this.connection;
    if (!nc) {
      // never connected: stop the connect loop
      this.connecting?.then((late) => late.close()).catch(() => undefined);
      return;
    }
    if (nc.isClosed()) return;
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const result = await Promise.race([nc.drain().then(() => 'drained' as const), timer]).catch(() => 'failed' as const);
    if (result !== 'drained') await nc.close().catch(() => undefined);
  }
}
