/** A secret a service requires was found in none of its providers. */
export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
  constructor(
    readonly key: string,
    readonly providers: readonly string[],
  ) {
    super(`Secret ${key} is not set (tried ${providers.length > 0 ? providers.join(', ') : 'no providers'})`);
  }
}

/** A `<NAME>_FILE` variable points at a file that cannot be used. Never carries the file's content. */
export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
  constructor(
    readonly variable: string,
    readonly path: string,
    problem: string,
  ) {
    super(`Cannot read secret file ${variable}=${path}: ${problem}`);
  }
}

export type VaultErrorReason =
  | 'invalid-options'
  | 'denied'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'http-status'
  | 'invalid-response'
  | 'invalid-field';

/** Reading from Vault failed. Messages name the address and secret path, never the token. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly reason: VaultErrorReason,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A key ring specification is malformed. Never carries key material. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

export type DecryptionFailure = 'malformed' | 'unsupported-version' | 'unknown-key' | 'authentication-failed';

/** A token could not be decrypted. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  constructor(
    readonly reason: DecryptionFailure,
    message: string,
  ) {
    super(message);
  }
}
