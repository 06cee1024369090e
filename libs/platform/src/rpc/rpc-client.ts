import { lastValueFrom } from 'rxjs';
import {
  assertWithinSize,
  parsePayload,
  parseRequest,
  parseResponse,
  RpcError,
  RpcErrorCode,
  type EventContract,
  type ParsedResponseOf,
  type PayloadOf,
  type RequestOf,
  type RpcContract,
} from '@homelab/contracts';
import type { NatsConnectionManager } from '../nats/nats-connection.js';
import type { PlatformNatsClient } from '../nats/platform-nats-client.js';

export interface RequestOptions {
  timeoutMs?: number;
}

/**
 * The only way services talk to each other: every call names a contract, so
 * the compiler checks the payload and both ends validate it at run time.
 */
export class RpcClient {
  constructor(
    private readonly client: PlatformNatsClient,
    private readonly manager: NatsConnectionManager,
    private readonly defaultTimeoutMs: number,
  ) {}

  async request<C extends RpcContract>(
    contract: C,
    request: RequestOf<C>,
    options: RequestOptions = {},
  ): Promise<ParsedResponseOf<C>> {
    const data = parseRequest(contract, request);
    this.assertConnected(contract.subject);
    const timeoutMs = options.timeoutMs ?? contract.timeoutMs ?? this.defaultTimeoutMs;
    const response = await this.client.call(contract.subject, data, { timeoutMs, maxBytes: contract.maxBytes });
    return parseResponse(contract, response);
  }

  /** Fire-and-forget event; validated before it leaves. */
  async emit<C extends EventContract>(contract: C, payload: PayloadOf<C>): Promise<void> {
    const data = parsePayload(contract, payload);
    assertWithinSize(contract, Buffer.byteLength(JSON.stringify(data) ?? ''));
    this.assertConnected(contract.subject);
    await lastValueFrom(this.client.emit(contract.subject, data), { defaultValue: undefined });
  }

  private assertConnected(subject: string): void {
    const status = this.manager.status();
    if (!status.up) {
      throw new RpcError(RpcErrorCode.Unavailable, `NATS is unreachable (${status.error ?? 'disconnected'})`, subject);
    }
  }
}
