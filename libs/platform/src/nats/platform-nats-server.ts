import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NatsContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { contractForSubject, DEFAULT_MAX_BYTES, RpcError, RpcErrorCode, type RpcErrorBody } from '@homelab/contracts';
import { extractTraceContext, tracer, type Logger, type ServiceMetrics } from '@homelab/tracing';
import type { NatsConnectionManager } from './nats-connection.js';
import { deadlineOf } from './wire.js';

export interface PlatformNatsServerOptions {
  manager: NatsConnectionManager;
  /** Install-wide subject prefix (`NATS_SUBJECT_PREFIX`). */
  prefix: string;
  /** Queue group for request handlers: one replica answers each request. */
  queue: string;
  /** The service's own namespace, e.g. `guard.>`: requests there without a handler get UNKNOWN_SUBJECT. */
  namespace: string;
  logger: Logger;
  metrics: ServiceMetrics;
}

/** Handler extras: events every replica must see skip the queue group. */
export interface HandlerExtras {
  everyReplica?: boolean;
}

interface IncomingPacket {
  id?: string;
  pattern?: unknown;
  data?: unknown;
}

/**
 * NestJS transport strategy for NATS. Compared with the stock `ServerNats`
 * it shares the service's one connection, applies the subject prefix, puts
 * request handlers in a queue group, answers unknown subjects, oversized
 * and malformed messages with a typed error instead of silence, honours the
 * caller's deadline, continues the caller's trace and records metrics.
 */
export class PlatformNatsServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];
  private connection: NatsConnection | undefined;

  constructor(private readonly options: PlatformNatsServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.connection = await this.options.manager.connect();
      this.bindHandlers(this.connection);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * One queue-group subscription on the service's own namespace (`guard.>`)
   * serves all its request handlers and answers unknown subjects, so each
   * request is delivered once. Events every replica must see, and subjects
   * outside the namespace (e.g. other services' heartbeats), get their own
   * subscriptions.
   */
  private bindHandlers(nc: NatsConnection): void {
    const { prefix, queue, namespace } = this.options;
    const namespaceRoot = namespace.replace(/>$/, '');
    const dedicated = new Set<string>();
    for (const [subject, handler] of this.messageHandlers) {
      const extras = (handler.extras ?? {}) as HandlerExtras;
      const everyReplica = handler.isEventHandler && extras.everyReplica === true;
      if (subject.startsWith(namespaceRoot) && !everyReplica) continue;
      dedicated.add(subject);
      this.subscriptions.push(
        nc.subscribe(`${prefix}${subject}`, {
          ...(everyReplica ? {} : { queue }),
          callback: (error, msg) => this.onMessage(subject, error, msg),
        }),
      );
    }
    this.subscriptions.push(
      nc.subscribe(`${prefix}${namespace}`, {
        queue,
        callback: (error, msg) => {
          const subject = msg.subject.slice(prefix.length);
          if (dedicated.has(subject)) return;
          if (this.messageHandlers.has(subject)) this.onMessage(subject, error, msg);
          else if (!error) this.answerUnknownSubject(subject, msg);
        },
      }),
    );
  }

  private onMessage(subject: string, error: Error | null, msg: Msg): void {
    if (error) {
      this.options.logger.error({ err: error, subject }, 'NATS subscription error');
      return;
    }
    this.handleMessage(subject, msg).catch((err: unknown) =>
      this.options.logger.error({ err, subject }, 'NATS message handling failed'),
    );
  }

  private answerUnknownSubject(subject: string, msg: Msg): void {
    if (!msg.reply) return;
    const known = [...this.messageHandlers.keys()].filter((s) => !this.messageHandlers.get(s)?.isEventHandler);
    this.replyError(msg, undefined, {
      code: RpcErrorCode.UnknownSubject,
      message: `Unknown subject ${subject}; this service answers ${known.join(', ') || 'nothing'}`,
    });
  }

  async handleMessage(subject: string, msg: Msg): Promise<void> {
    const started = performance.now();
    const parent = extractTraceContext(msg.headers);
    const isRequest = Boolean(msg.reply);
    const span = tracer.startSpan(
      `${subject} ${isRequest ? 'process' : 'receive'}`,
      {
        kind: isRequest ? SpanKind.SERVER : SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
      },
      parent,
    );
    const finish = (outcome: string): void => {
      if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
      this.options.metrics.observeHandled(subject, outcome, (performance.now() - started) / 1000);
    };
    await context.with(trace.setSpan(parent, span), () => this.dispatch(subject, msg, finish));
  }

  private async dispatch(subject: string, msg: Msg, finish: (outcome: string) => void): Promise<void> {
    const maxBytes = contractForSubject(subject)?.maxBytes ?? DEFAULT_MAX_BYTES;
    if (msg.data.length > maxBytes) {
      this.replyError(msg, undefined, {
        code: RpcErrorCode.PayloadTooLarge,
        message: `Message for ${subject} is ${msg.data.length} bytes; the limit is ${maxBytes}`,
      });
      this.options.logger.warn({ subject, bytes: msg.data.length }, 'Refused oversized message');
      return finish(RpcErrorCode.PayloadTooLarge);
    }
    const packet = this.decode(msg);
    if (!packet) {
      this.replyError(msg, undefined, { code: RpcErrorCode.Malformed, message: `Message on ${subject} is not a JSON request envelope` });
      this.options.logger.warn({ subject }, 'Refused malformed message');
      return finish(RpcErrorCode.Malformed);
    }
    const ctx = new NatsContext([msg.subject, msg.headers as MsgHdrs]);
    if (packet.id === undefined || !msg.reply) {
      try {
        await this.handleEvent(subject, { pattern: subject, data: packet.data }, ctx);
        return finish('ok');
      } catch (error) {
        this.options.logger.error({ err: error, subject }, 'Event handler failed');
        return finish('error');
      }
    }
    const deadline = deadlineOf(msg.headers);
    if (deadline !== undefined && Date.now() > deadline) {
      // the caller has given up; doing the work now would only waste it
      return finish(RpcErrorCode.Timeout);
    }
    const handler = this.messageHandlers.get(subject);
    if (!handler) {
      this.replyError(msg, packet.id, { code: RpcErrorCode.UnknownSubject, message: `No handler for ${subject}` });
      return finish(RpcErrorCode.UnknownSubject);
    }
    // Nest's handler runs guards, interceptors and filters; its failures come
    // back as an erroring Observable from the exception filter.
    try {
      const result: unknown = await handler(packet.data, ctx);
      const response: unknown = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
      msg.respond(JSON.stringify({ id: packet.id, response, isDisposed: true }));
      finish('ok');
    } catch (err) {
      msg.respond(JSON.stringify({ id: packet.id, err, isDisposed: true }));
      finish(errorCode(err) ?? 'error');
    }
  }

  private decode(msg: Msg): IncomingPacket | undefined {
    try {
      const value: unknown = msg.json();
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      return value as IncomingPacket;
    } catch {
      return undefined;
    }
  }

  private replyError(msg: Msg, id: string | undefined, err: RpcErrorBody): void {
    if (!msg.reply) return;
    msg.respond(JSON.stringify({ id, err, isDisposed: true }));
  }

  /** Stop taking work: let in-flight messages finish, then unsubscribe. The connection is drained by its owner. */
  async close(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.allSettled(subscriptions.map((s) => (s.isClosed() ? undefined : s.drain())));
  }

  on(): void {
    // status events come from NatsConnectionManager
  }

  unwrap<T>(): T {
    if (!this.connection) throw new Error('NATS server is not listening yet');
    return this.connection as T;
  }
}

function errorCode(err: unknown): string | undefined {
  if (err instanceof RpcError) return err.code;
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
