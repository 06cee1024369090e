import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is not a Docker event or stats sample: the stream is refused. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

export class JsonLineTooLongError extends Error {
  constructor() {
    super(`a line of the Docker stream exceeded ${MAX_LINE_CHARS} characters`);
    this.name = 'JsonLineTooLongError';
  }
}

/**
 * Reads newline-delimited JSON (Docker's `/events` and streamed `stats`),
 * whatever the chunking: a value split across chunks, several in one chunk,
 * a multi-byte character cut in two. Lines that are not JSON are skipped.
 * Resolves when the stream ends or closes, rejects when it fails.
 */
export function forEachJsonLine(stream: NodeJS.ReadableStream, onValue: (value: unknown) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const emit = (line: string): void => {
      const text = line.trim();
      if (!text) return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return;
      }
      onValue(value);
    };
    stream.on('data', (chunk: Buffer | string) => {
      if (settled) return;
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        emit(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > MAX_LINE_CHARS) {
        settle(new JsonLineTooLongError());
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      }
    });
    stream.on('end', () => {
      emit(pending + decoder.end());
      pending = '';
      settle();
    });
    stream.on('error', (error: unknown) => settle(error));
    stream.on('close', () => settle());
  });
}
