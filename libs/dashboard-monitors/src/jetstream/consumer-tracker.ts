import type { ConsumerStatus } from '@homelab/dashboard-api';

export type { ConsumerStatus };

export interface ConsumerSample {
  pending: number;
  ackPending: number;
  /** ack_floor.stream_seq: moves when work is acknowledged. */
  ackFloor: number;
}

export interface TrackedStatus {
  status: ConsumerStatus;
  /** How long the current condition has lasted (ms), 0 when ok. */
  forMs: number;
}

interface State {
  last: ConsumerSample;
  pendingAboveSince: number | null;
  lastProgressAt: number;
  seenAt: number;
}

/**
 * Judges each consumer from successive samples: `piling-up` when more than
 * `pendingAlert` messages have waited for longer than `alertAfterMs`,
 * `stalled` when work is waiting and nothing has been acknowledged (nor the
 * backlog shrunk) for that long. A first sample counts as progress: without
 * history nothing can be called stuck.
 */
export class ConsumerTracker {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly pendingAlert: number,
    private readonly alertAfterMs: number,
  ) {}

  update(key: string, sample: ConsumerSample, now: number): TrackedStatus {
    const previous = this.states.get(key);
    const idle = sample.pending === 0 && sample.ackPending === 0;
    const progressed =
      !previous ||
      idle ||
      sample.ackFloor > previous.last.ackFloor ||
      sample.pending < previous.last.pending ||
      sample.ackPending < previous.last.ackPending;
    const state: State = {
      last: sample,
      pendingAboveSince: sample.pending > this.pendingAlert ? (previous?.pendingAboveSince ?? now) : null,
      lastProgressAt: progressed ? now : (previous?.lastProgressAt ?? now),
      seenAt: now,
    };
    this.states.set(key, state);
    const stalledFor = now - state.lastProgressAt;
    if (!idle && stalledFor >= this.alertAfterMs) return { status: 'stalled', forMs: stalledFor };
    const pilingFor = state.pendingAboveSince === null ? 0 : now - state.pendingAboveSince;
    if (state.pendingAboveSince !== null && pilingFor >= this.alertAfterMs) return { status: 'piling-up', forMs: pilingFor };
    return { status: 'ok', forMs: 0 };
  }

  /** Forgets consumers not sampled since `before` (deleted ones). */
  forgetUnseen(before: number): void {
    for (const [key, state] of this.states) if (state.seenAt < before) this.states.delete(key);
  }
}
