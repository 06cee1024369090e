import type { ConsumerStatus } from './consumer-tracker.js';

export interface ConsumerHealth {
  name: string;
  /** Messages not yet delivered to the consumer (its lag). */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ackPending: number;
  redelivered: number;
  /** Messages given up on (max deliveries reached, or terminated), from the server's advisories. */
  deadLetters: number;
  /** Pull requests waiting for messages (idle workers). */
  waiting: number;
  lastActiveAt: string | null;
  status: ConsumerStatus;
}

export interface StreamHealth {
  name: string;
  messages: number;
  bytes: number;
  consumers: ConsumerHealth[];
}

export interface JetStreamReport {
  checkedAt: string;
  error: { code: string; message: string } | null;
  streams: StreamHealth[];
}
