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
  it('says when an instance is new or its status changed', () => {
    const directory = new ServiceDirectory(15_000);
    expect(directory.record(beat('a', 'up'), 1000)).toBe('new');
    expect(directory.record(beat('a', 'up'), 2000)).toBe('same');
    expect(directory.record(beat('a', 'down'), 3000)).toBe('changed');
    expect(directory.record(beat('b', 'down'), 3000)).toBe('new');
    expect(directory.alive('jarvis-guard', 4000).map((i) => [i.instanceId, i.status, i.down])).toEqual([
      ['a', 'down', ['database']],
      ['b', 'down', ['database']],
    ]);
  });

  it('forgets instances silent for longer than the window, and sees them as new when they return', () => {
    const directory = new ServiceDirectory(15_000);
    directory.record(beat('a', 'up'), 0);
    expect(directory.alive('jarvis-guard', 15_000)).toHaveLength(1);
    expect(directory.alive('jarvis-guard', 15_001)).toHaveLength(0);
    expect(directory.record(beat('a', 'up'), 20_000)).toBe('new');
    expect(directory.alive('automation', 20_000)).toEqual([]);
  });
});
