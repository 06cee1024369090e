import { hash, parseOptions, verify, type Algorithm, type ParsedHashOptions, type Version } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// `Algorithm`/`Version` are ambient const enums, which isolatedModules cannot read, so the
// values are spelled out here (Argon2id = 2, Version 0x13 = 1 in @node-rs/argon2's numbering).
const ARGON2ID: Algorithm = 2;
const VERSION_0X13: Version = 1;

/**
 * Argon2id parameters for new hashes.
 *
 * OWASP's floor is m=19456 KiB, t=2, p=1. We go above it (64 MiB, 3 passes, the first
 * RFC 9106 "second recommended" profile with p=1) because only a handful of admins log
 * in, so ~60-130 ms per attempt is invisible to them and multiplies an offline attacker's
 * cost ~5x over the floor. p stays 1: libuv runs each hash on one thread anyway, and the
 * thread pool (4 by default) caps concurrent hashing at ~256 MiB during a login flood.
 */
export const PASSWORD_HASH_PARAMS = Object.freeze({
  memoryCost: 65_536,
  timeCost: 3,
  parallelism: 1,
  outputLen: 32,
  saltLen: 16,
});

/** Inputs longer than this are refused: Argon2 itself copes, but nobody needs more, and it bounds work. */
export const MAX_PASSWORD_LENGTH = 1024;

// Hashes with costs beyond these are refused rather than verified, so a corrupted or
// hostile hash string cannot make one verification allocate gigabytes or run for minutes.
const MAX_VERIFY_MEMORY_KIB = 1_048_576;
const MAX_VERIFY_TIME_COST = 64;
const MAX_VERIFY_PARALLELISM = 16;

/** Unicode normalisation (NIST SP 800-63B §5.1.1.2) so the same passphrase typed on different keyboards matches. */
function normalise(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password with Argon2id and the current {@link PASSWORD_HASH_PARAMS}; returns a PHC string. */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) {
    throw new TypeError('hashPassword: password must be a non-empty string');
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(`hashPassword: password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return hash(normalise(password), {
    algorithm: ARGON2ID,
    version: VERSION_0X13,
    memoryCost: PASSWORD_HASH_PARAMS.memoryCost,
    timeCost: PASSWORD_HASH_PARAMS.timeCost,
    parallelism: PASSWORD_HASH_PARAMS.parallelism,
    outputLen: PASSWORD_HASH_PARAMS.outputLen,
    salt: randomBytes(PASSWORD_HASH_PARAMS.saltLen),
  });
}

/** Parses a PHC Argon2 hash string, or returns null when it is not one. Never throws. */
function parseHash(passwordHash: unknown): ParsedHashOptions | null {
  if (typeof passwordHash !== 'string' || !passwordHash.startsWith('$argon2')) return null;
  try {
    return parseOptions(passwordHash);
  } catch {
    return null;
  }
}

/** True when `passwordHash` is a well-formed Argon2 PHC string this module is willing to verify. */
export function isVerifiableHash(passwordHash: unknown): passwordHash is string {
  const options = parseHash(passwordHash);
  return (
    options !== null &&
    options.memoryCost <= MAX_VERIFY_MEMORY_KIB &&
    options.timeCost <= MAX_VERIFY_TIME_COST &&
    options.parallelism <= MAX_VERIFY_PARALLELISM
  );
}

/**
 * Checks a password against a stored hash. The digest comparison inside @node-rs/argon2
 * (RustCrypto `password-hash`) is constant-time. Returns false, never throws, for a wrong
 * password, a malformed or unsupported hash, or non-string input.
 */
export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false;
  if (!isVerifiableHash(passwordHash)) return false;
  try {
    return await verify(passwordHash, normalise(password));
  } catch {
    return false;
  }
}

/**
 * True when a stored hash should be replaced on the next successful login: it is not
 * Argon2id v1.3, or its memory, time, output or salt size is below the current policy.
 * Parallelism is not compared: a lower p does not make a hash cheaper to attack.
 * A hash that cannot be parsed also returns true (it can never verify as it is).
 */
export function needsRehash(passwordHash: string): boolean {
  const options = parseHash(passwordHash);
  if (options === null) return true;
  return (
    options.algorithm !== ARGON2ID ||
    options.version !== VERSION_0X13 ||
    options.memoryCost < PASSWORD_HASH_PARAMS.memoryCost ||
    options.timeCost < PASSWORD_HASH_PARAMS.timeCost ||
    options.outputLen < PASSWORD_HASH_PARAMS.outputLen ||
    options.saltLen < PASSWORD_HASH_PARAMS.saltLen
  );
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random secret made with the current parameters. Verifying against it costs
 * the same as verifying a real user's hash, which hides whether a username exists.
 */
export function getDummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url')).catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  return dummyHash;
}
