import { EventPattern, MessagePattern, type NatsContext } from '@nestjs/microservices';
import {
  parsePayload,
  parseRequest,
  type EventContract,
  type ParsedPayloadOf,
  type ParsedRequestOf,
  type ResponseOf,
  type RpcContract,
} from '@homelab/contracts';
import type { HandlerExtras } from '../nats/platform-nats-server.js';

type RpcMethod<C extends RpcContract> = (
  request: ParsedRequestOf<C>,
  context: NatsContext,
) => Promise<ResponseOf<C>> | ResponseOf<C>;

type EventMethod<C extends EventContract> = (payload: ParsedPayloadOf<C>, context: NatsContext) => Promise<void> | void;

/**
 * Binds a method to a request/reply contract. The method's parameter and
 * return types come from the contract, so a wrong payload does not compile;
 * at run time the request is validated before the method runs (and the
 * response by the caller).
 */
export function RpcHandler<C extends RpcContract>(contract: C) {
  return <M extends RpcMethod<C>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    const original = descriptor.value;
    if (!original) throw new Error(`@RpcHandler(${contract.subject}) must decorate a method`);
    // The response is typed by the contract here and validated by the caller
    // (RpcClient), so it is not parsed twice on its way out.
    const validated = function (this: unknown, raw: unknown, ctx: NatsContext): unknown {
      return original.call(this, parseRequest(contract, raw), ctx);
    };
    Object.defineProperty(validated, 'name', { value: String(key) });
    descriptor.value = validated as unknown as M;
    MessagePattern(contract.subject)(target, key, descriptor);
  };
}

/**
 * Binds a method to an event contract. `everyReplica` events reach every
 * instance (e.g. heartbeats the dashboard tracks); otherwise one replica
 * handles each event. Invalid payloads are logged and dropped by the server.
 */
export function EventHandler<C extends EventContract>(contract: C, options: HandlerExtras = {}) {
  return <M extends EventMethod<C>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    const original = descriptor.value;
    if (!original) throw new Error(`@EventHandler(${contract.subject}) must decorate a method`);
    const validated = async function (this: unknown, raw: unknown, ctx: NatsContext): Promise<void> {
      await original.call(this, parsePayload(contract, raw), ctx);
    };
    Object.defineProperty(validated, 'name', { value: String(key) });
    descriptor.value = validated as unknown as M;
    (EventPattern(contract.subject, { ...options }) as MethodDecorator)(target, key, descriptor);
  };
}
