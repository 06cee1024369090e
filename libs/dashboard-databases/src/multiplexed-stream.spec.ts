import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demultiplexText, MultiplexedStreamSplitter } from './multiplexed-stream.js';

function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }), text: () => Buffer.concat(chunks).toString() };
}

async function feed(splitter: MultiplexedStreamSplitter, bytes: Buffer, pieceSize: number): Promise<void> {
  for (let i = 0; i < bytes.length; i += pieceSize) splitter.write(bytes.subarray(i, i + pieceSize));
  await new Promise<void>((resolve, reject) => {
    splitter.on('error', reject);
    splitter.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

describe('MultiplexedStreamSplitter', () => {
  it('reassembles frames split anywhere, stdout to the sink and stderr kept', async () => {
    const out = sink();
    const splitter = new MultiplexedStreamSplitter(out.stream);
    await feed(splitter, Buffer.concat([frame(1, 'PGDMP'), frame(2, 'notice\n'), frame(1, ' rest'), frame(1, '')]), 3);
    expect(out.text()).toBe('PGDMP rest');
    expect(splitter.stderr).toBe('notice\n');
  });

  it('keeps only the tail of a long stderr', async () => {
    const splitter = new MultiplexedStreamSplitter(sink().stream, 10);
    await feed(splitter, Buffer.concat([frame(2, 'aaaaaaaaaa'), frame(2, 'bbbbbbbbbbbb'), frame(2, 'the end')]), 1000);
    expect(splitter.stderr).toBe('bbbthe end');
  });

  it('waits for a slow sink (backpressure) instead of buffering the dump', async () => {
    let pending = 0;
    let maxPending = 0;
    const slow = new Writable({
      highWaterMark: 4,
      write: (_c, _e, cb) => {
        pending += 1;
        maxPending = Math.max(maxPending, pending);
        setTimeout(() => ((pending -= 1), cb()), 2);
      },
    });
    const splitter = new MultiplexedStreamSplitter(slow);
    await feed(splitter, Buffer.concat(Array.from({ length: 20 }, () => frame(1, 'x'.repeat(100)))), 150);
    expect(maxPending).toBe(1);
  });

  it('refuses a stream that is not multiplexed, and one cut in the middle of a frame', async () => {
    await expect(feed(new MultiplexedStreamSplitter(sink().stream), Buffer.from('plain text, no frames'), 100)).rejects.toThrow(/not a multiplexed Docker stream/);
    await expect(feed(new MultiplexedStreamSplitter(sink().stream), frame(1, 'truncated').subarray(0, 12), 100)).rejects.toThrow(/middle of a frame/);
  });

  it('demultiplexText reads a whole logs answer', () => {
    expect(demultiplexText(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
  });
});
