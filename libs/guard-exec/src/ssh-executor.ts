import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import { assertExecOptions, ExecAbortedError, ExecError, SshAuthenticationError, SshHostKeyMismatchError } from './errors.js';
import { SCRUBBED_PATH } from './local-executor.js';
import { finishRun, OutputCollector } from './output.js';
import { shellQuote } from './shell-quote.js';
import type { CommandExecutor, ExecOptions, ExecResult } from './types.js';

/** How to reach one host. The private key comes from the secrets lib (see `resolveSshHost`). */
export interface SshConnectionConfig {
  host: string;
  port: number;
  /** The restricted user commands run as. */
  username: string;
  /** OpenSSH or PEM private key text. */
  privateKey: string;
  /** Pinned host key, `SHA256:<base64>` as `ssh-keygen -lf key.pub -E sha256` prints it. Nothing else is accepted. */
  hostKeySha256: string;
}

export interface SshExecutorOptions {
  /** TCP connect + handshake + authentication. Default 10 s. */
  connectTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL to the remote process group. Default 2 s. */
  killGraceMs?: number;
  /**
   * The remote `timeout` backstop fires this long after the guard's own
   * deadline, for when the guard or the connection is gone. Default 5 s.
   */
  backstopMarginSeconds?: number;
}

const PGID_MARKER = 'guard-exec-pgid:';
const MAX_PREAMBLE_BYTES = 64 * 1024;
const HOST_KEY_PIN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** `SHA256:…` fingerprint of a raw SSH public key blob (what OpenSSH shows). */
export function sshKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

function normalisePin(pin: string): string {
  return pin.trim().replace(/=+$/, '');
}

function samePin(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface RemoteInvocationOptions {
  timeoutMs: number;
  killGraceMs?: number;
  backstopMarginSeconds?: number;
}

/**
 * The exact string sent in the SSH `exec` request for `command`.
 *
 * - `env -i` replaces whatever the login set up with the same three variables
 *   a local command gets (PATH, LANG, HOME of the restricted user).
 * - OpenSSH makes the session's shell a session and process-group leader
 *   (`setsid()` in do_exec_no_pty); the wrapper checks that through
 *   /proc/$$/stat and refuses to run otherwise, then reports its pid — the
 *   process-group id of everything the command starts — on the first stdout
 *   line, so the guard can kill the whole group from a second channel.
 * - `timeout -k` is a backstop: if the guard dies or the connection drops,
 *   the remote side still ends the group a few seconds after the deadline.
 *   `timeout` keeps the group (it is not allowed to leave it as a session
 *   leader) and signals the whole group when it fires.
 */
export function remoteInvocation(command: string, options: RemoteInvocationOptions): string {
  const backstop = Math.ceil(options.timeoutMs / 1000) + (options.backstopMarginSeconds ?? 5);
  const killAfter = Math.ceil((options.killGraceMs ?? 2_000) / 1000) + 1;
  const inner = [
    'read -r _ _ _ _ g _ < /proc/$$/stat || exit 125',
    `[ "$g" = "$$" ] || { echo 'guard-exec: the remote shell does not lead its own process group; refusing to run' >&2; exit 125; }`,
    `printf '${PGID_MARKER}%s\\n' "$$"`,
    `exec timeout -k ${killAfter} ${backstop} /bin/sh -c "$1"`,
  ].join('\n');
  return `exec env -i PATH=${SCRUBBED_PATH} LANG=C.UTF-8 HOME="$HOME" /bin/sh -c ${shellQuote(inner)} guard-exec ${shellQuote(command)}`;
}

/** The script the kill channel runs: SIGTERM to the group, wait up to the grace period, SIGKILL. */
export function remoteKillScript(pgid: number, graceMs: number): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new ExecError('SSH_PROTOCOL', `Refusing to signal process group ${pgid}`);
  const tenths = Math.max(1, Math.ceil(graceMs / 100));
  // POSIX spelling (`-s SIG -- -PGID`): dash rejects `kill -TERM -- -PGID`
  const script = `kill -s TERM -- -${pgid} 2>/dev/null; i=0; while [ "$i" -lt ${tenths} ] && kill -0 -${pgid} 2>/dev/null; do sleep 0.1; i=$((i+1)); done; kill -s KILL -- -${pgid} 2>/dev/null; exit 0`;
  return `exec /bin/sh -c ${shellQuote(script)}`;
}

type Ending = 'closed' | 'timeout' | 'aborted' | 'connection-lost';

/**
 * Runs commands on one host over SSH (ssh2) as its restricted user.
 *
 * One connection per command: commands are rare (each one judged, many
 * approved by a human), a handshake costs tens of milliseconds, and a fresh
 * connection re-checks the pinned host key every time, picks up a rotated
 * key at once and leaves no authenticated session lying around. No pty, no
 * environment requests, no agent forwarding.
 */
export class SshExecutor implements CommandExecutor {
  readonly #config: SshConnectionConfig;
  readonly #pin: string;
  readonly #connectTimeoutMs: number;
  readonly #graceMs: number;
  readonly #marginSeconds: number;

  constructor(config: SshConnectionConfig, options: SshExecutorOptions = {}) {
    this.#config = { ...config };
    this.#pin = normalisePin(config.hostKeySha256 ?? '');
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#graceMs = options.killGraceMs ?? 2_000;
    this.#marginSeconds = options.backstopMarginSeconds ?? 5;
    validateConfig(this.#config, this.#pin, this.target);
  }

  /** `user@host:port`, for messages and plans. */
  get target(): string {
    return `${this.#config.username}@${this.#config.host}:${this.#config.port}`;
  }

  get username(): string {
    return this.#config.username;
  }

  /** What {@link run} would send for `command` (for dry-run plans). */
  invocation(command: string, timeoutMs: number): string {
    return remoteInvocation(command, { timeoutMs, killGraceMs: this.#graceMs, backstopMarginSeconds: this.#marginSeconds });
  }

  async run(command: string, options: ExecOptions): Promise<ExecResult> {
    assertExecOptions(options);
    if (options.signal?.aborted) throw new ExecAbortedError();
    const client = await this.#connect();
    try {
      return await this.#execute(client, command, options);
    } finally {
      client.end();
    }
  }

  #connect(): Promise<SshClient> {
    const target = this.target;
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      let presented: string | undefined;
      let settled = false;
      const fail = (error: ExecError): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(error);
      };
      client.once('ready', () => {
        settled = true;
        resolve(client);
      });
      client.on('error', (error: Error & { level?: string }) => {
        if (presented !== undefined && !samePin(presented, this.#pin)) fail(new SshHostKeyMismatchError(target, this.#pin, presented));
        else if (error.level === 'client-authentication') fail(new SshAuthenticationError(target));
        else if (error.level === 'client-timeout') {
          fail(new ExecError('SSH_CONNECT_TIMEOUT', `No SSH session with ${target} within ${this.#connectTimeoutMs} ms (connect, handshake, authentication)`));
        } else fail(new ExecError('SSH_CONNECTION_FAILED', `Cannot connect to ${target}: ${describe(error)}`, { cause: error }));
      });
      try {
        client.connect({
          host: this.#config.host,
          port: this.#config.port,
          username: this.#config.username,
          privateKey: this.#config.privateKey,
          readyTimeout: this.#connectTimeoutMs,
          // no trust on first use: only the pinned key is accepted
          hostVerifier: (key: Buffer) => {
            presented = sshKeyFingerprint(key);
            return samePin(presented, this.#pin);
          },
          agentForward: false,
          tryKeyboard: false,
          keepaliveInterval: 15_000,
        });
      } catch {
        // ssh2 throws synchronously on keys it cannot use; its message is not passed on
        fail(new ExecError('SSH_KEY_INVALID', `The private key configured for ${target} cannot be used`));
      }
    });
  }

  async #execute(client: SshClient, command: string, options: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.exec(this.invocation(command, options.timeoutMs), (error, stream) =>
        error ? reject(new ExecError('SSH_PROTOCOL', `${this.target} refused to start a command: ${error.message}`)) : resolve(stream),
      );
    });

    const output = new OutputCollector(options.maxOutputBytes);
    const head = new PreambleReader();
    channel.on('data', (chunk: Buffer) => {
      const rest = head.pgid === undefined ? head.push(chunk) : chunk;
      if (rest.length > 0) output.push('stdout', rest);
    });
    channel.stderr.on('data', (chunk: Buffer) => output.push('stderr', chunk));
    let exit: { code: number | null; signal: string | null } | undefined;
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = { code: code ?? null, signal: signal ?? null };
    });
    const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
    // no stdin unless the caller passes input: EOF right away
    channel.end(options.input);

    const ending = await this.#waitForEnding(client, closed, options);
    if (ending === 'timeout' || ending === 'aborted') {
      if (head.pgid !== undefined) await this.#killRemote(client, head.pgid);
      await Promise.race([closed, sleep(2_000, undefined, { ref: false })]);
      channel.destroy();
    }
    if (ending === 'connection-lost') {
      throw new ExecError('SSH_CONNECTION_FAILED', `The connection to ${this.target} was lost while the command ran; the remote timeout ends it at the latest ${this.#marginSeconds} s after its deadline`);
    }
    if (head.pgid === undefined && ending === 'closed') {
      const { stderr } = output.result();
      throw new ExecError('SSH_PROTOCOL', `${this.target} did not start the command (exit ${exit?.code ?? exit?.signal ?? 'unknown'}): ${stderr.trim().slice(0, 500) || 'no output'}`);
    }
    return finishRun(exit, output, ending, started);
  }

  async #waitForEnding(client: SshClient, closed: Promise<void>, options: ExecOptions): Promise<Ending> {
    const controller = new AbortController();
    const timers = { signal: controller.signal };
    const outcomes: Promise<Ending>[] = [
      closed.then(() => 'closed' as const),
      sleep(options.timeoutMs, 'timeout' as const, timers),
      new Promise<Ending>((resolve) => client.once('close', () => resolve('connection-lost'))),
    ];
    if (options.signal) {
      const signal = options.signal;
      outcomes.push(new Promise<Ending>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true, signal: controller.signal })));
    }
    try {
      return await Promise.race(outcomes);
    } finally {
      controller.abort();
      for (const outcome of outcomes) outcome.catch(() => undefined);
    }
  }

  /** Kills the remote process group from a second channel on the same connection. */
  async #killRemote(client: SshClient, pgid: number): Promise<void> {
    const done = new Promise<void>((resolve) => {
      client.exec(remoteKillScript(pgid, this.#graceMs), (error, stream) => {
        if (error) return resolve();
        stream.resume();
        stream.stderr.resume();
        stream.once('close', () => resolve());
      });
    });
    // if even this hangs, the remote backstop still ends the group
    await Promise.race([done, sleep(this.#graceMs + 5_000, undefined, { ref: false })]);
  }
}

/** Reads stdout up to the wrapper's `guard-exec-pgid:N` line; anything the login printed before it is dropped. */
class PreambleReader {
  pgid: number | undefined;
  #buffer = Buffer.alloc(0);

  /** Returns the bytes after the marker line (command output), or nothing while still in the preamble. */
  push(chunk: Buffer): Buffer {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const newline = this.#buffer.indexOf(10);
      if (newline < 0) break;
      const line = this.#buffer.subarray(0, newline).toString('utf8');
      this.#buffer = this.#buffer.subarray(newline + 1);
      const match = new RegExp(`^${PGID_MARKER}(\\d+)$`).exec(line);
      if (match?.[1]) {
        this.pgid = Number(match[1]);
        const rest = this.#buffer;
        this.#buffer = Buffer.alloc(0);
        return rest;
      }
    }
    // a login that prints megabytes before the marker is not something to keep buffering
    if (this.#buffer.length > MAX_PREAMBLE_BYTES) this.#buffer = this.#buffer.subarray(-256);
    return Buffer.alloc(0);
  }
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} (${error.message})` : error.message;
}

function validateConfig(config: SshConnectionConfig, pin: string, target: string): void {
  const invalid = (problem: string): ExecError => new ExecError('SSH_INVALID_CONFIG', `SSH configuration for ${target}: ${problem}`);
  if (typeof config.host !== 'string' || config.host === '') throw invalid('host is empty');
  if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65_535) throw invalid(`port ${config.port} is not a TCP port`);
  if (!/^[a-z_][a-z0-9_.-]*$/i.test(config.username ?? '')) throw invalid('username is not a valid user name');
  if (!HOST_KEY_PIN.test(pin)) throw invalid('hostKeySha256 must be a pinned fingerprint like SHA256:<43 base64 characters>');
  const parsed = typeof config.privateKey === 'string' ? ssh2.utils.parseKey(config.privateKey) : new Error('missing');
  if (parsed instanceof Error || (Array.isArray(parsed) && parsed.length === 0)) {
    throw new ExecError('SSH_KEY_INVALID', `The private key configured for ${target} cannot be used (not an unencrypted OpenSSH/PEM private key)`);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || typeof key.isPrivateKey !== 'function' || !key.isPrivateKey()) {
    throw new ExecError('SSH_KEY_INVALID', `The key configured for ${target} is not a private key`);
  }
}
