import { describe, expect, it } from 'vitest';
import { DockerLogParser, MAX_LINE_BYTES, type LogLine } from './log-parser.js';

function frame(kind: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header.writeUInt8(kind, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds `bytes` in pieces of `size` bytes, as a slow transport would. */
function feed(parser: DockerLogParser, bytes: Buffer, size: number): LogLine[] {
  const lines: LogLine[] = [];
  for (let i = 0; i < bytes.length; i += size) lines.push(...parser.push(bytes.subarray(i, i + size)));
  return [...lines, ...parser.end()];
}

describe('DockerLogParser', () => {
  const stream = Buffer.concat([frame(1, 'hello\nwor'), frame(2, 'boom\n'), frame(1, 'ld\n'), frame(1, 'größe ✓\r\n'), frame(2, 'no newline at the end')]);
  const expected: LogLine[] = [
    { stream: 'stdout', line: 'hello', time: null },
    { stream: 'stderr', line: 'boom', time: null },
    { stream: 'stdout', line: 'world', time: null },
    { stream: 'stdout', line: 'größe ✓', time: null },
    { stream: 'stderr', line: 'no newline at the end', time: null },
  ];

  it('demultiplexes 8-byte-header frames into lines per stream, however the bytes are cut', () => {
    for (const size of [1, 3, 7, 8, 9, 64, stream.length]) {
      expect(feed(new DockerLogParser(false, false), stream, size)).toEqual(expected);
    }
  });

  it('reads a TTY container\'s raw stream as stdout lines', () => {
    expect(feed(new DockerLogParser(true, false), Buffer.from('one\r\ntwo\nthr'), 2)).toEqual([
      { stream: 'stdout', line: 'one', time: null },
      { stream: 'stdout', line: 'two', time: null },
      { stream: 'stdout', line: 'thr', time: null },
    ]);
  });

  it('splits Docker\'s timestamp off each line when asked, and leaves lines without one alone', () => {
    const bytes = Buffer.concat([frame(1, '2026-12-01T10:00:00.123456789Z started\n'), frame(1, '2026-12-01T10:00:01+01:00 \n'), frame(1, 'not-a-time x\n')]);
    expect(feed(new DockerLogParser(false, true), bytes, 5)).toEqual([
      { stream: 'stdout', line: 'started', time: '2026-12-01T10:00:00.123456789Z' },
      { stream: 'stdout', line: '', time: '2026-12-01T10:00:01+01:00' },
      { stream: 'stdout', line: 'not-a-time x', time: null },
    ]);
  });

  it('cuts a runaway line into pieces instead of buffering it forever', () => {
    const long = Buffer.alloc(MAX_LINE_BYTES * 2 + 10, 'a');
    const lines = feed(new DockerLogParser(true, false), long, 4096);
    expect(lines.map((l) => l.line.length)).toEqual([MAX_LINE_BYTES, MAX_LINE_BYTES, 10]);
  });

  it('falls back to raw when the stream turns out not to be multiplexed', () => {
    expect(feed(new DockerLogParser(false, false), Buffer.from('plain text that is long\n'), 4)).toEqual([{ stream: 'stdout', line: 'plain text that is long', time: null }]);
  });
});
