import type { ExecResult } from './types.js';

export type ExecErrorCode =
  | 'INVALID_OPTIONS'
  | 'SPAWN_FAILED'
  | 'ABORTED'
  | 'SSH_INVALID_CONFIG'
  | 'SSH_KEY_INVALID'
  | 'SSH_HOST_KEY_MISMATCH'
  | 'SSH_AUTH_FAILED'
  | 'SSH_CONNECT_TIMEOUT'
  | 'SSH_CONNECTION_FAILED'
  | 'SSH_PROTOCOL';

/** Base class of everything this library throws about running a command. Messages never contain key material. */
export class ExecError extends Error {
  constructor(
    readonly code: ExecErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ExecError';
  }
}

/** The caller aborted; the process tree was killed. `partial` is what had been collected. */
export class ExecAbortedError extends ExecError {
  constructor(readonly partial?: ExecResult) {
    super('ABORTED', 'Command aborted; its process tree was killed');
    this.name = 'ExecAbortedError';
  }
}

export class SshHostKeyMismatchError extends ExecError {
  constructor(
    readonly target: string,
    readonly expected: string,
    readonly presented: string,
  ) {
    super(
      'SSH_HOST_KEY_MISMATCH',
      `Refusing ${target}: its host key ${presented} is not the pinned ${expected} (changed host key or a different machine; update the pin only after checking out of band)`,
    );
    this.name = 'SshHostKeyMismatchError';
  }
}

export class SshAuthenticationError extends ExecError {
  constructor(readonly target: string) {
    super('SSH_AUTH_FAILED', `SSH authentication failed for ${target}: the server did not accept the configured private key`);
    this.name = 'SshAuthenticationError';
  }
}

export function assertExecOptions(options: { timeoutMs: number; maxOutputBytes: number }): void {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new ExecError('INVALID_OPTIONS', `timeoutMs must be a positive number, got ${options.timeoutMs}`);
  }
  if (!Number.isInteger(options.maxOutputBytes) || options.maxOutputBytes < 0) {
    throw new ExecError('INVALID_OPTIONS', `maxOutputBytes must be a non-negative integer, got ${options.maxOutputBytes}`);
  }
}
