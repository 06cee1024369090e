import { describe, expect, it } from 'vitest';
import { errorResponse, ReadyForQueryTracker, startupParameters, takeFrame, takeStartupFrame } from './wire-protocol.js';

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const readyForQuery = (status: string) => message('Z', Buffer.from(status, 'latin1'));

function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(parameters).map(([key, value]) => `${key}\0${value}\0`).join('')}\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
}

describe('ReadyForQueryTracker', () => {
  const stream = Buffer.concat([
    message('C', Buffer.from('SELECT 1\0')),
    readyForQuery('T'),
    message('D', Buffer.alloc(300, 0x5a)), // a data row full of 'Z' bytes must not confuse it
    readyForQuery('I'),
  ]);

  it('finds the last transaction status however the stream is split', () => {
    for (const size of [1, 2, 5, 6, 7, 64, stream.length]) {
      const tracker = new ReadyForQueryTracker();
      for (let i = 0; i < stream.length; i += size) tracker.push(stream.subarray(i, i + size));
      expect(tracker.status, `chunks of ${size}`).toBe('I');
    }
  });

  it('reports nothing until a ReadyForQuery arrives', () => {
    const tracker = new ReadyForQueryTracker();
    tracker.push(message('1', Buffer.alloc(0))); // ParseComplete
    expect(tracker.status).toBeUndefined();
    tracker.push(readyForQuery('E'));
    expect(tracker.status).toBe('E');
    tracker.reset();
    expect(tracker.status).toBeUndefined();
  });
});

describe('framing', () => {
  it('takes complete typed messages and leaves partial ones', () => {
    const two = Buffer.concat([message('Q', Buffer.from('select 1\0')), message('S', Buffer.alloc(0))]);
    const first = takeFrame(two);
    expect(first?.bytes.toString('latin1', 0, 1)).toBe('Q');
    expect(takeFrame(first?.rest as Buffer)?.bytes).toEqual(Buffer.from([0x53, 0, 0, 0, 4]));
    expect(takeFrame(two.subarray(0, 7))).toBeUndefined();
    expect(() => takeFrame(Buffer.from([0x51, 0, 0, 0, 1]))).toThrow(/invalid message length/);
  });

  it('reads start-up parameters', () => {
    const frame = takeStartupFrame(startupMessage({ user: 'postgres', database: 'stream-bot' }));
    expect(startupParameters(frame?.bytes as Buffer)).toEqual({ user: 'postgres', database: 'stream-bot' });
  });

  it('builds an ErrorResponse pg can parse', () => {
    const error = errorResponse('FATAL', '3D000', 'database "x" does not exist');
    expect(error.toString('latin1', 0, 1)).toBe('E');
    expect(error.readInt32BE(1)).toBe(error.length - 1);
    expect(error.toString('utf8')).toContain('C3D000\0');
  });
});
