import { NatsRecordBuilder } from '@nestjs/microservices';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { lastValueFrom, timeout, TimeoutError as RxTimeoutError } from 'rxjs';
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
import { DEADLINE_HEADER, toRpcError } from '../nats/wire.js';

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
    const encodedSize = Buffer.byteLength(JSON.stringify(data) ?? '');
    assertWithinSize(contract, encodedSize);
    this.assertConnected(contract.subject);
    const timeoutMs = options.timeoutMs ?? contract.timeoutMs ?? this.defaultTimeoutMs;
    const headers = natsHeaders();
    headers.set(DEADLINE_HEADER, String(Date.now() + timeoutMs));
    const record = new NatsRecordBuilder(data).setHeaders(headers).build();
    try {
      const response: unknown = await lastValueFrom(
        // rxjs timeout is a backstop: the NATS request itself expires at the deadline
        this.client.send(contract.subject, record).pipe(timeout(timeoutMs + 250)),
      );
      return parseResponse(contract, response);
    } catch (error) {
      if (error instanceof RxTimeoutError) {
        throw new RpcError(RpcErrorCode.Timeout, `${contract.subject} did not answer within ${timeoutMs} ms`, contract.subject);
      }
      throw toRpcError(error, contract.subject);
    }
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
