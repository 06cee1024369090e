import { describe, expect, it } from 'vitest';
import type { Heartbeat } from '@homelab/contracts';
import { ServiceDirectory } from './service-directory.js';

const beat = (instanceId: string, status: 'up' | 'down'): Heartbeat => ({
  service: 'jarvis-guard',
  instanceId,
  status,
  down: status === 'up' ? [] : ['database'],
  checks: {},
  version: '0.1.0',
  startedAt: '2026-11-23T00:00:00.000Z',
  uptimeSeconds: 1,
  httpUrl: 'http://127.0.0.1:3003',
  sentAt: '2026-11-23T00:00:01.000Z',
});

describe('ServiceDirectory', () => {
  it('asks for history until a status has been recorded, and again when it changes', () => {
    const directory = new ServiceDirectory(15_000);
    directory.record(beat('a', 'up'), 1000);
    expect(directory.needsHistory(beat('a', 'up'))).toBe(true);
    // a failed write is retried with the next beat
    directory.record(beat('a', 'up'), 2000);
    expect(directory.needsHistory(beat('a', 'up'))).toBe(true);
    directory.markRecorded(beat('a', 'up'));
    expect(directory.needsHistory(beat('a', 'up'))).toBe(false);
    directory.record(beat('a', 'down'), 3000);
    expect(directory.needsHistory(beat('a', 'down'))).toBe(true);
    directory.record(beat('b', 'down'), 3000);
    expect(directory.alive('jarvis-guard', 4000).map((i) => [i.instanceId, i.status, i.down])).toEqual([
      ['a', 'down', ['database']],
      ['b', 'down', ['database']],
    ]);
  });

  it('forgets instances silent for longer than the window, and sees them as new when they return', () => {
    const directory = new ServiceDirectory(15_000);
    directory.record(beat('a', 'up'), 0);
    directory.markRecorded(beat('a', 'up'));
    expect(directory.needsHistory(beat('a', 'up'))).toBe(false);
    expect(directory.alive('jarvis-guard', 15_000)).toHaveLength(1);
    expect(directory.alive('jarvis-guard', 15_001)).toHaveLength(0);
    // forgotten, so its return is history again
    expect(directory.needsHistory(beat('a', 'up'))).toBe(true);
    expect(directory.alive('automation', 20_000)).toEqual([]);
  });
});
