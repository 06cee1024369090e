import { jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { assertWithinSize, parsePayload, type EventContract, type PayloadOf } from '@homelab/contracts';
import { injectTraceContext } from '@homelab/tracing';
import type { NatsConnectionManager } from '../nats/nats-connection.js';

export interface EventStreamSpec {
  /** Stream name without the install prefix, e.g. `GUARD_APPROVALS`. */
  name: string;
  /** Subjects (without prefix) the stream keeps, e.g. `guard.approval.>`. */
  subjects: string[];
  maxAgeMs: number;
  /** Window in which a repeated message id is dropped. */
  duplicateWindowMs?: number;
  replicas?: number;
}

const nanos = (ms: number): number => ms * 1_000_000;

/**
 * Durable events on JetStream: the stream is created (or updated) on first
 * use, every payload is validated against its contract, and a message id
 * makes republishing the same event harmless.
 */
export class EventStream {
  private client: Promise<JetStreamClient> | undefined;

  constructor(
    private readonly manager: NatsConnectionManager,
    private readonly prefix: string,
    private readonly spec: EventStreamSpec,
  ) {}

  /** The stream's real name: the install prefix turned into a name-safe token. */
  get streamName(): string {
    return `${this.prefix.replace(/[^A-Za-z0-9_-]/g, '_')}${this.spec.name}`;
  }

  private async ensure(): Promise<JetStreamClient> {
    const nc = await this.manager.connect();
    const jsm = await jetstreamManager(nc);
    const config = {
      name: this.streamName,
      subjects: this.spec.subjects.map((s) => `${this.prefix}${s}`),
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(this.spec.maxAgeMs),
      // the server refuses a duplicate window longer than the stream keeps messages
      duplicate_window: nanos(Math.min(this.spec.duplicateWindowMs ?? 120_000, this.spec.maxAgeMs)),
      num_replicas: this.spec.replicas ?? 1,
    };
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch {
      await jsm.streams.add(config);
    }
    return jetstream(nc);
  }

  async publish<C extends EventContract>(contract: C, payload: PayloadOf<C>, messageId: string): Promise<void> {
    const data = JSON.stringify(parsePayload(contract, payload));
    assertWithinSize(contract, Buffer.byteLength(data));
    this.client ??= this.ensure().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    const js = await this.client;
    const headers = natsHeaders();
    injectTraceContext(headers);
    await js.publish(`${this.prefix}${contract.subject}`, data, { msgID: messageId, headers });
  }
}
