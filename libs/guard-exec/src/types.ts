/** Options of one command run. */
export interface ExecOptions {
  /** Wall-clock limit; afterwards the whole process tree is killed. */
  timeoutMs: number;
  /** Cap on stdout + stderr together; the first bytes are kept, the rest is read and discarded. */
  maxOutputBytes: number;
  /** Aborting kills the process tree like a timeout, then rejects with {@link ExecAbortedError}. */
  signal?: AbortSignal;
  /**
   * Bytes written to the command's stdin, which is then closed. Without it
   * stdin is closed from the start. Used by checkpoint restores to move file
   * content (a command line is limited to 128 KiB); the service never passes
   * operator input here.
   */
  input?: Buffer;
}

export interface ExecResult {
  /** null when the process was ended by a signal (or never reported a status). */
  exitCode: number | null;
  /** e.g. `SIGTERM`; null for a normal exit. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Output went over `maxOutputBytes` and was cut. */
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
  /** See {@link outputDigest}. */
  outputSha256: string;
}

/** Runs one already-judged shell command somewhere (this machine, or a host over SSH). */
export interface CommandExecutor {
  run(command: string, options: ExecOptions): Promise<ExecResult>;
}
