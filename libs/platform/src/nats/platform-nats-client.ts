import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ClientNats, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_MAX_BYTES, RpcError, RpcErrorCode } from '@homelab/contracts';
import { injectTraceContext, tracer, type ServiceMetrics } from '@homelab/tracing';
import type { NatsConnectionManager } from './nats-connection.js';
import { DEADLINE_HEADER, toRpcError } from './wire.js';

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
 * adds the subject prefix, carries the trace context and the caller's
 * deadline in headers, and maps failures to typed RpcErrors.
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

  /**
   * Promise-based request used by RpcClient: the same envelope, serializer
   * and deserializer as `send()`, without an Observable per call.
   */
  async call(subject: string, data: unknown, options: { timeoutMs: number; maxBytes: number }): Promise<unknown> {
    const started = performance.now();
    const span = tracer.startSpan(`${subject} send`, {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
    });
    let outcome = 'ok';
    try {
      const nc = this.natsClient ?? (await this.connect());
      const packet = this.assignPacketId({ pattern: subject, data });
      const serialized = this.serializer.serialize(packet) as SerializedPacket;
      const bytes = Buffer.byteLength(serialized.data);
      if (bytes > options.maxBytes) {
        throw new RpcError(RpcErrorCode.PayloadTooLarge, `Message for ${subject} is ${bytes} bytes; the limit is ${options.maxBytes}`, subject);
      }
      const headers = natsHeaders();
      injectTraceContext(headers, trace.setSpan(context.active(), span));
      headers.set(DEADLINE_HEADER, String(Date.now() + options.timeoutMs));
      const msg = await (nc as NatsConnection).request(`${this.platform.prefix}${subject}`, serialized.data, {
        timeout: options.timeoutMs,
        headers,
      });
      const reply = (await this.deserializer.deserialize(msg)) as WritePacket;
      if (reply.err) throw toRpcError(reply.err, subject);
      return reply.response;
    } catch (error) {
      const rpcError = toRpcError(error, subject);
      outcome = rpcError.code;
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      throw rpcError;
    } finally {
      span.end();
      this.platform.metrics.observeRequest(subject, outcome, (performance.now() - started) / 1000);
    }
  }

  /** `send()` for Nest-style callers; RpcClient uses `call()`. */
  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const subject = this.normalizePattern(partialPacket.pattern);
    let active = true;
    this.call(subject, partialPacket.data, { timeoutMs: this.platform.defaultTimeoutMs, maxBytes: DEFAULT_MAX_BYTES }).then(
      (response) => active && callback({ response, isDisposed: true }),
      (err: unknown) => active && callback({ err, isDisposed: true }),
    );
    return () => {
      active = false;
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
