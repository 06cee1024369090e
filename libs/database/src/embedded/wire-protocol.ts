/**
 * The few pieces of the PostgreSQL frontend/backend protocol (v3) the
 * embedded server handles itself; everything else is passed to PGlite.
 */

export const PROTOCOL_3_0 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'

export type TransactionStatus = 'I' | 'T' | 'E';

/** A complete message taken off the front of a buffer. */
export interface Frame {
  readonly bytes: Buffer;
  readonly rest: Buffer;
}

/** Untyped start-up phase messages: Int32 length (self-inclusive) then Int32 code. */
export function takeStartupFrame(buffer: Buffer): Frame | undefined {
  if (buffer.length < 8) return undefined;
  const length = buffer.readInt32BE(0);
  if (length < 8 || length > 10_000) throw new Error(`invalid start-up message length ${length}`);
  if (buffer.length < length) return undefined;
  return { bytes: buffer.subarray(0, length), rest: buffer.subarray(length) };
}

/** Typed messages: Byte1 type then Int32 length (self-inclusive). */
export function takeFrame(buffer: Buffer): Frame | undefined {
  if (buffer.length < 5) return undefined;
  const length = buffer.readInt32BE(1);
  if (length < 4) throw new Error(`invalid message length ${length}`);
  if (buffer.length < length + 1) return undefined;
  return { bytes: buffer.subarray(0, length + 1), rest: buffer.subarray(length + 1) };
}

export function startupCode(frame: Buffer): number {
  return frame.readInt32BE(4);
}

export function isTerminate(frame: Buffer): boolean {
  return frame[0] === TERMINATE;
}

/** The key/value parameters of a StartupMessage (user, database, application_name…). */
export function startupParameters(frame: Buffer): Record<string, string> {
  const parts = frame.subarray(8).toString('utf8').split('\0');
  const parameters: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = parts[i] as string;
    if (key === '') break;
    parameters[key] = parts[i + 1] as string;
  }
  return parameters;
}

/** An ErrorResponse, e.g. FATAL 3D000 when a client asks for a database that is not served. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, message: string): Buffer {
  const fields = Buffer.concat(
    [
      ['S', severity],
      ['V', severity],
      ['C', code],
      ['M', message],
    ]
      .map(([type, value]) => Buffer.from(`${type}${value}\0`, 'utf8'))
      .concat(Buffer.from([0])),
  );
  const header = Buffer.alloc(5);
  header.write('E', 0, 'latin1');
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/** `Sync`: ends an extended-protocol batch; the backend answers ReadyForQuery. */
export const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** A simple `Query` message. */
export function simpleQuery(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('Q', 0, 'latin1');
  header.writeInt32BE(text.length + 4, 1);
  return Buffer.concat([header, text]);
}

/**
 * Follows the backend's output stream, chunk by chunk, and remembers the
 * transaction status of the last ReadyForQuery: 'I' idle, 'T' in a
 * transaction, 'E' in a failed transaction.
 */
export class ReadyForQueryTracker {
  /** Status of the last ReadyForQuery seen since the last `reset()`. */
  status: TransactionStatus | undefined;
  private header: number[] = [];
  private bodyRemaining = 0;
  private bodyOffset = 0;
  private type = 0;

  reset(): void {
    this.status = undefined;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyRemaining > 0) {
        if (this.type === READY_FOR_QUERY && this.bodyOffset === 0) this.status = String.fromCharCode(chunk[i] as number) as TransactionStatus;
        const take = Math.min(this.bodyRemaining, chunk.length - i);
        i += take;
        this.bodyOffset += take;
        this.bodyRemaining -= take;
        continue;
      }
      this.header.push(chunk[i] as number);
      i++;
      if (this.header.length === 5) {
        const [type, a, b, c, d] = this.header as [number, number, number, number, number];
        this.type = type;
        this.bodyRemaining = ((a << 24) | (b << 16) | (c << 8) | d) - 4;
        this.bodyOffset = 0;
        this.header = [];
      }
    }
  }
}
