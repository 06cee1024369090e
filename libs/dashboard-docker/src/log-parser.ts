import type { LogLine } from '@homelab/dashboard-api';

/** One log line as the API streams it. */
export type { LogLine };

/** Longer lines are cut into pieces of this size, so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 64 * 1024;
const HEADER_BYTES = 8;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Cuts a byte stream into lines; a line may span chunks, and a UTF-8 character is never split. */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer, emit: (line: string) => void): void {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a, start); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      this.pending.push(chunk.subarray(start, newline));
      emit(this.take());
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes >= MAX_LINE_BYTES) emit(this.take());
    }
  }

  flush(emit: (line: string) => void): void {
    if (this.pendingBytes > 0 || this.pending.length > 0) {
      const line = this.take();
      if (line !== '') emit(line);
    }
  }

  private take(): string {
    const text = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }
}

/**
 * Parses what `GET /containers/{id}/logs` sends: without a TTY, Docker's
 * multiplexed stream — frames of an 8-byte header (byte 0: 1 stdout,
 * 2 stderr; bytes 4-7: big-endian payload length) and the payload, cut
 * anywhere by the transport; with a TTY, raw bytes (all stdout). Frames do
 * not align with lines, so each stream has its own line splitter.
 */
export class DockerLogParser {
  private buffer: Buffer = Buffer.alloc(0);
  private raw: boolean;
  private readonly splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  constructor(
    tty: boolean,
    private readonly timestamps: boolean,
  ) {
    this.raw = tty;
  }

  push(chunk: Buffer): LogLine[] {
    const lines: LogLine[] = [];
    if (this.raw) {
      this.splitters.stdout.push(chunk, (line) => lines.push(this.toLine('stdout', line)));
      return lines;
    }
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= HEADER_BYTES) {
      const kind = this.buffer.readUInt8(0);
      if (kind > 2) {
        // not a multiplexed stream after all (a TTY container seen without inspect): pass the rest through raw
        this.raw = true;
        const rest = this.buffer;
        this.buffer = Buffer.alloc(0);
        return [...lines, ...this.push(rest)];
      }
      const length = this.buffer.readUInt32BE(4);
      if (this.buffer.length < HEADER_BYTES + length) break;
      const payload = this.buffer.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.buffer = this.buffer.subarray(HEADER_BYTES + length);
      const stream = kind === 2 ? 'stderr' : 'stdout';
      this.splitters[stream].push(payload, (line) => lines.push(this.toLine(stream, line)));
    }
    return lines;
  }

  /** The last, unterminated lines once the stream has ended. */
  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) this.splitters[stream].flush((line) => lines.push(this.toLine(stream, line)));
    return lines;
  }

  private toLine(stream: 'stdout' | 'stderr', text: string): LogLine {
    if (!this.timestamps) return { stream, line: text, time: null };
    const space = text.indexOf(' ');
    const token = space > 0 ? text.slice(0, space) : text;
    if (!TIMESTAMP.test(token)) return { stream, line: text, time: null };
    return { stream, line: space > 0 ? text.slice(space + 1) : '', time: token };
  }
}
