import { z } from 'zod';
import type { ServiceName } from './services.js';

/** Default ceiling on one encoded message; NATS itself allows 1 MiB. */
export const DEFAULT_MAX_BYTES = 256 * 1024;

const subjectPattern = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

export interface RpcContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'rpc';
  /** `<service>.<entity>.<verb>`, without the install-wide prefix. */
  readonly subject: string;
  /** The service that answers; its replicas share one queue group. */
  readonly owner: ServiceName;
  readonly description: string;
  readonly request: Req;
  readonly response: Res;
  readonly timeoutMs: number | undefined;
  readonly maxBytes: number;
}

export interface EventContract<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  /** The service that publishes. */
  readonly owner: ServiceName;
  readonly description: string;
  readonly payload: P;
  readonly maxBytes: number;
}

export type AnyContract = RpcContract | EventContract;

export type RequestOf<C extends RpcContract> = z.input<C['request']>;
export type ParsedRequestOf<C extends RpcContract> = z.output<C['request']>;
export type ResponseOf<C extends RpcContract> = z.input<C['response']>;
export type ParsedResponseOf<C extends RpcContract> = z.output<C['response']>;
export type PayloadOf<C extends EventContract> = z.input<C['payload']>;
export type ParsedPayloadOf<C extends EventContract> = z.output<C['payload']>;

function checkSubject(subject: string): void {
  if (!subjectPattern.test(subject)) {
    throw new Error(`Subject "${subject}" must be <service>.<entity>.<verb> in lower case`);
  }
}

export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(definition: {
  subject: string;
  owner: ServiceName;
  description: string;
  request: Req;
  response: Res;
  timeoutMs?: number;
  maxBytes?: number;
}): RpcContract<Req, Res> {
  checkSubject(definition.subject);
  return Object.freeze({
    kind: 'rpc' as const,
    ...definition,
    timeoutMs: definition.timeoutMs,
    maxBytes: definition.maxBytes ?? DEFAULT_MAX_BYTES,
  });
}

export function defineEvent<P extends z.ZodType>(definition: {
  subject: string;
  owner: ServiceName;
  description: string;
  payload: P;
  maxBytes?: number;
}): EventContract<P> {
  checkSubject(definition.subject);
  return Object.freeze({ kind: 'event' as const, ...definition, maxBytes: definition.maxBytes ?? DEFAULT_MAX_BYTES });
}
