import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseContainerEvent } from './docker-events.js';
import { forEachJsonLine } from './json-lines.js';

describe('Docker events', () => {
  it('reads container events in the modern and the legacy shape, and ignores the rest', () => {
    expect(
      parseContainerEvent({
        status: 'die',
        id: 'abc',
        from: 'nginx:1.27',
        Type: 'container',
        Action: 'die',
        Actor: { ID: 'abc', Attributes: { name: 'web', image: 'nginx:1.27', exitCode: '0' } },
        scope: 'local',
        time: 1_764_590_400,
        timeNano: 1_764_590_400_000_000_000,
      }),
    ).toEqual({ action: 'die', id: 'abc', name: 'web', time: 1_764_590_400 });
    expect(parseContainerEvent({ status: 'start', id: 'def', time: 5 })).toEqual({ action: 'start', id: 'def', name: null, time: 5 });
    expect(parseContainerEvent({ Type: 'image', Action: 'pull', Actor: { ID: 'nginx' } })).toBeUndefined();
    expect(parseContainerEvent({ Type: 'container', Action: 'start', Actor: {} })).toBeUndefined();
    expect(parseContainerEvent('start')).toBeUndefined();
  });

  it('reads newline-delimited JSON however it is chunked, skipping lines that are not JSON', async () => {
    const stream = new PassThrough();
    const values: unknown[] = [];
    const done = forEachJsonLine(stream, (v) => values.push(v));
    const text = Buffer.from('{"a":1}\n{"b":"ü"}\nnot json\n{"c":\n3}\n{"d":4}');
    for (let i = 0; i < text.length; i += 3) stream.write(text.subarray(i, i + 3));
    stream.end();
    await done;
    expect(values).toEqual([{ a: 1 }, { b: 'ü' }, { d: 4 }]);
  });

  it('rejects when the stream fails', async () => {
    const stream = new PassThrough();
    const done = forEachJsonLine(stream, () => undefined);
    stream.destroy(new Error('socket hang up'));
    await expect(done).rejects.toThrow('socket hang up');
  });
});
