import type { Duplex, Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { MultiplexedStreamSplitter } from './multiplexed-stream.js';

export interface RunExecOptions {
  cmd: string[];
  /** Receives everything the command writes to stdout (not ended here). */
  stdout: Writable;
  /** Streamed to the command's stdin over a hijacked connection, then closed (EOF). */
  stdin?: Readable;
  timeoutMs: number;
  /** Aborts the transfer (shutdown); the command itself may run on in the container. */
  signal?: AbortSignal;
}

export interface ExecOutcome {
  exitCode: number;
  /** The tail of stderr. */
  stderr: string;
}

export class ExecAbortedError extends Error {}

const EXIT_CODE_POLL_MS = 100;
const EXIT_CODE_WAIT_MS = 5000;

/**
 * `docker exec` through the Engine API: create, start attached (hijacked
 * when stdin is streamed), demultiplex, then read the exit code from exec
 * inspect — the stream's end alone does not say whether the command worked.
 */
export async function runExec(container: Docker.Container, options: RunExecOptions): Promise<ExecOutcome> {
  const withStdin = options.stdin !== undefined;
  const exec = await container.exec({ Cmd: options.cmd, AttachStdin: withStdin, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: withStdin, stdin: withStdin, Detach: false, Tty: false })) as Duplex;
  disableIdleTimeout(stream);
  const splitter = new MultiplexedStreamSplitter(options.stdout);
  await transfer(stream, splitter, options);
  return { exitCode: await exitCodeOf(exec), stderr: splitter.stderr.trim() };
}

function transfer(stream: Duplex, splitter: MultiplexedStreamSplitter, options: RunExecOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        stream.destroy();
        options.stdin?.destroy();
        reject(error);
      } else resolve();
    };
    const timer = setTimeout(() => finish(new ExecAbortedError(`the command did not finish within ${Math.round(options.timeoutMs / 1000)} s`)), options.timeoutMs);
    const onAbort = (): void => finish(new ExecAbortedError('aborted: the dashboard is shutting down'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('error', (error) => finish(error));
    splitter.on('error', (error) => finish(error));
    splitter.on('finish', () => finish());
    stream.pipe(splitter);
    if (options.stdin) {
      options.stdin.on('error', (error) => finish(error));
      // end: true half-closes the connection, which is the command's EOF
      options.stdin.pipe(stream, { end: true });
    }
  });
}

/**
 * A dump or restore may stay silent for minutes (a big index being built), so
 * the client's per-call idle timeout must not cut it; `timeoutMs` bounds it.
 */
export function disableIdleTimeout(stream: unknown): void {
  const carrier = stream as { socket?: { setTimeout?: (ms: number) => void } | null; setTimeout?: (ms: number) => void };
  const socket = carrier.socket ?? carrier;
  if (typeof socket.setTimeout === 'function') socket.setTimeout(0);
}

async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  const deadline = Date.now() + EXIT_CODE_WAIT_MS;
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (Date.now() > deadline) throw new Error('the command\'s output ended but Docker still reports it running');
    await new Promise((resolve) => setTimeout(resolve, EXIT_CODE_POLL_MS));
  }
}
