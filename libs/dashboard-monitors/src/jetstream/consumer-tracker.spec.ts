import { describe, expect, it } from 'vitest';
import { ConsumerTracker } from './consumer-tracker.js';

describe('ConsumerTracker', () => {
  it('calls work piling up only after it has been above the threshold for the whole delay', () => {
    const tracker = new ConsumerTracker(100, 1000);
    expect(tracker.update('s/c', { pending: 500, ackPending: 1, ackFloor: 10 }, 0).status).toBe('ok');
    expect(tracker.update('s/c', { pending: 600, ackPending: 1, ackFloor: 20 }, 900).status).toBe('ok');
    expect(tracker.update('s/c', { pending: 700, ackPending: 1, ackFloor: 30 }, 1000)).toEqual({ status: 'piling-up', forMs: 1000 });
    // dipping below the threshold starts the clock again
    expect(tracker.update('s/c', { pending: 50, ackPending: 1, ackFloor: 40 }, 1100).status).toBe('ok');
    expect(tracker.update('s/c', { pending: 700, ackPending: 1, ackFloor: 50 }, 1200).status).toBe('ok');
    expect(tracker.update('s/c', { pending: 700, ackPending: 1, ackFloor: 60 }, 2200).status).toBe('piling-up');
  });

  it('calls a consumer stalled when work waits and nothing is acknowledged for the delay', () => {
    const tracker = new ConsumerTracker(100, 1000);
    tracker.update('s/c', { pending: 5, ackPending: 0, ackFloor: 3 }, 0);
    expect(tracker.update('s/c', { pending: 5, ackPending: 0, ackFloor: 3 }, 999).status).toBe('ok');
    expect(tracker.update('s/c', { pending: 6, ackPending: 0, ackFloor: 3 }, 1000)).toEqual({ status: 'stalled', forMs: 1000 });
    // one acknowledgement is progress
    expect(tracker.update('s/c', { pending: 6, ackPending: 0, ackFloor: 4 }, 1500).status).toBe('ok');
    // a shrinking backlog is progress too (ack floor may hold on one slow message)
    expect(tracker.update('s/c', { pending: 2, ackPending: 1, ackFloor: 4 }, 2600).status).toBe('ok');
  });

  it('never calls an idle consumer stalled, and forgets consumers that are gone', () => {
    const tracker = new ConsumerTracker(100, 1000);
    tracker.update('s/idle', { pending: 0, ackPending: 0, ackFloor: 9 }, 0);
    expect(tracker.update('s/idle', { pending: 0, ackPending: 0, ackFloor: 9 }, 10_000).status).toBe('ok');
    tracker.update('s/gone', { pending: 5, ackPending: 0, ackFloor: 0 }, 0);
    tracker.forgetUnseen(5000);
    // seen again: a first sample, not stalled for the time it was away
    expect(tracker.update('s/gone', { pending: 5, ackPending: 0, ackFloor: 0 }, 20_000).status).toBe('ok');
  });
});
