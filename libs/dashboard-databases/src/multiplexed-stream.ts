import { Writable } from 'node:stream';

const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;

/**
 * Splits Docker's multiplexed stream (8-byte header: stream type, 3 zero
 * bytes, big-endian payload length) into stdout, written to `stdout` with
 * backpressure (a dump can be far larger than memory), and stderr, of which
 * only the last `stderrLimit` bytes are kept for the error message.
 */
export class MultiplexedStreamSplitter extends Writable {
  #pending: Buffer = Buffer.alloc(0);
  #stderr: Buffer[] = [];
  #stderrBytes = 0;

  constructor(
    private readonly stdout: Writable,
    private readonly stderrLimit = 4096,
  ) {
    super();
  }

  /** The tail of what the command wrote to stderr. */
  get stderr(): string {
    return Buffer.concat(this.#stderr).toString('utf8');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const stdoutParts: Buffer[] = [];
    while (this.#pending.length >= HEADER_BYTES) {
      const type = this.#pending.readUInt8(0);
      if (type !== STDOUT && type !== STDERR) return callback(new Error(`not a multiplexed Docker stream (stream type ${type})`));
      const length = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER_BYTES + length) break;
      const payload = this.#pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.#pending = this.#pending.subarray(HEADER_BYTES + length);
      if (type === STDOUT) stdoutParts.push(payload);
      else this.#keepStderr(payload);
    }
    if (stdoutParts.length === 0) return callback();
    if (this.stdout.write(Buffer.concat(stdoutParts))) return callback();
    this.stdout.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback(this.#pending.length > 0 ? new Error('the Docker stream ended in the middle of a frame') : null);
  }

  #keepStderr(payload: Buffer): void {
    this.#stderr.push(Buffer.from(payload));
    this.#stderrBytes += payload.length;
    while (this.#stderrBytes > this.stderrLimit) {
      const first = this.#stderr[0] as Buffer;
      const excess = this.#stderrBytes - this.stderrLimit;
      if (first.length <= excess) {
        this.#stderr.shift();
        this.#stderrBytes -= first.length;
      } else {
        this.#stderr[0] = first.subarray(excess);
        this.#stderrBytes -= excess;
      }
    }
  }

}

/** The text of a whole multiplexed buffer (e.g. `GET /containers/{id}/logs` without follow), both streams in order. */
export function demultiplexText(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= buffer.length) {
    const type = buffer.readUInt8(offset);
    const length = buffer.readUInt32BE(offset + 4);
    if (type !== STDOUT && type !== STDERR) return buffer.toString('utf8');
    parts.push(buffer.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length));
    offset += HEADER_BYTES + length;
  }
  return Buffer.concat(parts).toString('utf8');
}
