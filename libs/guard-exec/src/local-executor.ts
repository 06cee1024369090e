import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertExecOptions, ExecAbortedError, ExecError } from './errors.js';
import { finishRun, OutputCollector } from './output.js';
import type { CommandExecutor, ExecOptions, ExecResult } from './types.js';

/** The only PATH a command gets, locally and over SSH. */
export const SCRUBBED_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The complete environment of a command: nothing is inherited from the guard
 * (no secrets, no `LD_*`, no proxy settings).
 */
export function scrubbedEnvironment(home: string): Record<string, string> {
  return { PATH: SCRUBBED_PATH, LANG: 'C.UTF-8', HOME: home };
}

export interface LocalUser {
  username: string;
  uid: number;
  gid: number;
  home: string;
}

export interface LocalExecutorOptions {
  /** Run as this user (the guard must then run as root). Default: the guard's own user. */
  user?: LocalUser;
  /** Working directory. Default: the user's home. */
  cwd?: string;
  /** Time between SIGTERM and SIGKILL to the process group. Default 2 s. */
  killGraceMs?: number;
  /** After the shell exits, how long its background children may keep the output pipes open. Default 500 ms. */
  drainMs?: number;
}

/** The user commands run as when no user is configured: the guard's own. */
export function currentLocalUser(): LocalUser {
  const info = userInfo();
  return { username: info.username, uid: info.uid, gid: info.gid, home: info.homedir };
}

/**
 * True while a process that is not a zombie is in process group `pgid`.
 * Killed orphans stay zombies until init reaps them, which can take a while
 * (some container inits reap lazily); they count as gone.
 */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: members exist but belong to someone else — still alive
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return liveMembersOnLinux(pgid) ?? true;
}

/** Whether /proc shows a non-zombie member of the group; undefined where /proc cannot be read. */
function liveMembersOnLinux(pgid: number): boolean | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  return pids.some((pid) => {
    try {
      // fields after the command name: state ppid pgrp …
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false; // exited meanwhile
    }
  });
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

/** SIGTERM to the whole group, then SIGKILL once `graceMs` passed with members left. */
export async function killProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(25);
    if (!groupAlive(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
}

type Ending = 'closed' | 'exited' | 'timeout' | 'aborted';

/**
 * Runs `/bin/sh -c <command>` on this machine in its own process group
 * (`detached`), with a scrubbed environment and stdin closed. The process
 * group is the unit that is killed: on timeout or abort, and also after a
 * normal exit, so nothing the command started in the background outlives it.
 * A process that leaves the group on purpose (`setsid`, a daemon's double
 * fork) escapes; catching those needs a cgroup (systemd-run --scope).
 */
export class LocalExecutor implements CommandExecutor {
  readonly user: LocalUser;
  readonly #cwd: string;
  readonly #graceMs: number;
  readonly #drainMs: number;

  constructor(options: LocalExecutorOptions = {}) {
    this.user = options.user ?? currentLocalUser();
    this.#cwd = options.cwd ?? this.user.home;
    this.#graceMs = options.killGraceMs ?? 2_000;
    this.#drainMs = options.drainMs ?? 500;
  }

  async run(command: string, options: ExecOptions): Promise<ExecResult> {
    assertExecOptions(options);
    if (options.signal?.aborted) throw new ExecAbortedError();
    const started = performance.now();
    const child = this.#spawn(command, options);
    const pgid = child.pid;
    if (pgid === undefined) throw await spawnFailure(child);

    child.on('error', () => undefined); // e.g. a failed kill(); the outcome is read from exit/close
    const output = new OutputCollector(options.maxOutputBytes);
    child.stdout?.on('data', (chunk: Buffer) => output.push('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push('stderr', chunk));
    if (options.input && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when the command does not read it
      child.stdin.end(options.input);
    }

    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exit = { code, signal }), resolve())));
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const ending = await this.#waitForEnding(exited, closed, options);

    // the whole group goes, whatever ended the run (stragglers included)
    await killProcessGroup(pgid, this.#graceMs);
    // a process that escaped the group may hold the pipes open: stop waiting for it
    await Promise.race([closed, sleep(1_000, undefined, { ref: false })]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    await Promise.race([exited, sleep(1_000, undefined, { ref: false })]);

    return finishRun(exit, output, ending, started);
  }

  #spawn(command: string, options: ExecOptions): ChildProcess {
    const ownUser = currentLocalUser();
    const switchUser = this.user.uid !== ownUser.uid || this.user.gid !== ownUser.gid;
    return spawn('/bin/sh', ['-c', command], {
      detached: true,
      env: scrubbedEnvironment(this.user.home),
      cwd: this.#cwd,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      ...(switchUser ? { uid: this.user.uid, gid: this.user.gid } : {}),
    });
  }

  /** Resolves with what ended the run first. */
  async #waitForEnding(exited: Promise<void>, closed: Promise<void>, options: ExecOptions): Promise<Ending> {
    const controller = new AbortController();
    const timers = { signal: controller.signal };
    const outcomes: Promise<Ending>[] = [
      closed.then(() => 'closed' as const),
      // after the shell exits, background children get a moment to finish writing
      exited.then(() => sleep(this.#drainMs, 'exited' as const, timers)),
      sleep(options.timeoutMs, 'timeout' as const, timers),
    ];
    if (options.signal) {
      const signal = options.signal;
      outcomes.push(
        new Promise<Ending>((resolve) => {
          signal.addEventListener('abort', () => resolve('aborted'), { once: true, signal: controller.signal });
        }),
      );
    }
    try {
      return await Promise.race(outcomes);
    } finally {
      controller.abort();
      // the losing timers reject with AbortError once cancelled
      for (const outcome of outcomes) outcome.catch(() => undefined);
    }
  }
}

async function spawnFailure(child: ChildProcess): Promise<ExecError> {
  const error = await new Promise<Error>((resolve) => child.once('error', resolve));
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new ExecError('SPAWN_FAILED', `Could not start /bin/sh: ${code}`, { cause: error });
}
