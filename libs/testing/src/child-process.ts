import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** How a managed child ended. `error` is set when it could not be started at all. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Whether the process is still running. */
  readonly running: boolean;
  /** The last few kilobytes of combined stdout/stderr, for error messages. */
  output(): string;
  /** Sends `signal`, waits for exit, escalates to SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

export interface SpawnManagedOptions {
  cwd?: string;
  uid?: number;
  gid?: number;
  /**
   * Signal sent if the test process exits while the child still runs. A safety
   * net only: handles should be stopped explicitly.
   */
  emergencySignal?: NodeJS.Signals;
}

const OUTPUT_LIMIT = 8_192;

/** Children and temp dirs still alive; cleaned up synchronously when this process exits. */
const liveChildren = new Set<{ child: ChildProcess; signal: NodeJS.Signals }>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const { child, signal } of liveChildren) child.kill(signal);
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** Removes `dir` when this process exits, unless {@link forgetTempDir} ran first. */
export function rememberTempDir(dir: string): void {
  installExitHook();
  liveDirs.add(dir);
}

export function forgetTempDir(dir: string): void {
  liveDirs.delete(dir);
}

/** Spawns a long-running helper process whose output is kept for diagnostics. */
export function spawnManaged(command: string, args: readonly string[], options: SpawnManagedOptions = {}): ManagedProcess {
  installExitHook();
  const child = spawn(command, args, {
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = { child, signal: options.emergencySignal ?? 'SIGKILL' };
  liveChildren.add(entry);

  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let running = true;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      running = false;
      liveChildren.delete(entry);
      resolve({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => {
      running = false;
      liveChildren.delete(entry);
      resolve({ code, signal });
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> => {
    if (!running) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    child,
    exited,
    get running() {
      return running;
    },
    output: () => output,
    stop,
  };
}

/** Runs a command to completion; rejects with its output when it fails. */
export async function runCommand(command: string, args: readonly string[], options: SpawnManagedOptions = {}): Promise<void> {
  const proc = spawnManaged(command, args, options);
  const { code, signal, error } = await proc.exited;
  if (error) throw new Error(`${command} could not be started: ${error.message}`);
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${proc.output().trim()}`);
  }
}

/** Describes an unexpected exit for an error message. */
export function describeExit(name: string, info: ExitInfo, output: string): string {
  const how = info.error ? `could not start: ${info.error.message}` : `exited (${info.signal ?? `code ${info.code}`})`;
  const tail = output.trim();
  return tail ? `${name} ${how}:\n${tail}` : `${name} ${how}`;
}
