import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ClientNats, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { injectTraceContext, tracer, type ServiceMetrics } from '@homelab/tracing';
import type { NatsConnectionManager } from './nats-connection.js';
import { DEADLINE_HEADER, deadlineOf, toRpcError } from './wire.js';

export interface PlatformNatsClientOptions {
  manager: NatsConnectionManager;
  prefix: string;
  metrics: ServiceMetrics;
  defaultTimeoutMs: number;
}

interface SerializedPacket {
  data: string;
  headers?: MsgHdrs;
}

/**
 * NestJS ClientProxy for NATS. The stock client opens a new inbox
 * subscription for every request (SUB, PUB, UNSUB on the wire); this one
 * uses nats.js' multiplexed request inbox, shares the service's connection,
 * adds the subject prefix, carries the trace context and a deadline in
 * headers, and maps failures to typed RpcErrors.
 */
export class PlatformNatsClient extends ClientNats {
  constructor(private readonly platform: PlatformNatsClientOptions) {
    super({});
  }

  override async createClient(): Promise<NatsConnection> {
    return this.platform.manager.connect();
  }

  /** Connection failures surface per request (e.g. UNAVAILABLE), never as a stuck `connect()`. */
  override async connect(): Promise<NatsConnection> {
    const nc = this.platform.manager.current() ?? (await this.platform.manager.connect());
    this.natsClient = nc;
    return nc;
  }

  /** The connection belongs to NatsConnectionManager, which drains it on shutdown. */
  override async close(): Promise<void> {
    this.natsClient = null;
  }

  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const packet = this.assignPacketId(partialPacket);
    const subject = this.normalizePattern(partialPacket.pattern);
    const started = performance.now();
    const span = tracer.startSpan(`${subject} send`, {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
    });
    let active = true;
    const done = (outcome: string, reply: WritePacket): void => {
      if (!active) return;
      active = false;
      if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
      this.platform.metrics.natsClientRequests.observe({ subject, outcome }, (performance.now() - started) / 1000);
      callback(reply);
    };
    try {
      const serialized = this.serializer.serialize(packet) as SerializedPacket;
      const headers = serialized.headers ?? natsHeaders();
      injectTraceContext(headers, trace.setSpan(context.active(), span));
      const deadline = deadlineOf(headers) ?? Date.now() + this.platform.defaultTimeoutMs;
      headers.set(DEADLINE_HEADER, String(deadline));
      const nc = this.natsClient as NatsConnection;
      nc.request(`${this.platform.prefix}${subject}`, serialized.data, {
        timeout: Math.max(1, deadline - Date.now()),
        headers,
      }).then(
        async (msg) => {
          const message = (await this.deserializer.deserialize(msg)) as WritePacket;
          if (message.err) return done(errorCodeOf(message.err), { err: toRpcError(message.err, subject), isDisposed: true });
          done('ok', { response: message.response, isDisposed: true });
        },
        (error: unknown) => {
          const rpcError = toRpcError(error, subject);
          done(rpcError.code, { err: rpcError, isDisposed: true });
        },
      );
    } catch (error) {
      const rpcError = toRpcError(error, subject);
      done(rpcError.code, { err: rpcError, isDisposed: true });
    }
    return () => {
      if (active) {
        active = false;
        span.end();
      }
    };
  }

  protected override async dispatchEvent(packet: ReadPacket): Promise<void> {
    const subject = this.normalizePattern(packet.pattern);
    const serialized = this.serializer.serialize(packet) as SerializedPacket;
    const headers = serialized.headers ?? natsHeaders();
    injectTraceContext(headers);
    (this.natsClient as NatsConnection).publish(`${this.platform.prefix}${subject}`, serialized.data, { headers });
    this.platform.metrics.natsPublished.inc({ subject });
  }
}

function errorCodeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'error';
}
