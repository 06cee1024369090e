import { createHash } from 'node:crypto';
import { ExecAbortedError } from './errors.js';
import type { ExecResult } from './types.js';

/**
 * SHA-256 (hex) of the UTF-8 JSON text `[stdout, stderr]` — the output as
 * returned (after capping), in a framing that cannot confuse the two streams.
 * Anyone holding the two strings (e.g. an audit reader) can recompute it.
 */
export function outputDigest(stdout: string, stderr: string): string {
  return createHash('sha256').update(JSON.stringify([stdout, stderr]), 'utf8').digest('hex');
}

export interface CollectedOutput {
  stdout: string;
  stderr: string;
  truncated: boolean;
  outputSha256: string;
}

/**
 * Keeps the first `maxBytes` of stdout and stderr together (in arrival order)
 * and counts the rest without storing it, so a chatty command can be drained
 * to the end without the guard's memory growing.
 */
export class OutputCollector {
  readonly #chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  #kept = 0;
  #seen = 0;

  constructor(private readonly maxBytes: number) {}

  get truncated(): boolean {
    return this.#seen > this.#kept;
  }

  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.#seen += chunk.length;
    const room = this.maxBytes - this.#kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    // copy: a slice would pin the whole (possibly large) source buffer
    this.#chunks[stream].push(Buffer.from(part));
    this.#kept += part.length;
  }

  result(): CollectedOutput {
    const stdout = Buffer.concat(this.#chunks.stdout).toString('utf8');
    const stderr = Buffer.concat(this.#chunks.stderr).toString('utf8');
    return { stdout, stderr, truncated: this.truncated, outputSha256: outputDigest(stdout, stderr) };
  }
}

/**
 * The result of a finished run, as both executors report it; an aborted run
 * rejects with {@link ExecAbortedError} carrying what was collected.
 */
export function finishRun(
  exit: { code: number | null; signal: string | null } | undefined,
  output: OutputCollector,
  ending: string,
  startedAt: number,
): ExecResult {
  const result: ExecResult = {
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    ...output.result(),
    timedOut: ending === 'timeout',
    durationMs: Math.round(performance.now() - startedAt),
  };
  if (ending === 'aborted') throw new ExecAbortedError(result);
  return result;
}
