import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random lowercase letters and digits. */
export function randomToken(length = 6): string {
  let token = '';
  for (let i = 0; i < length; i++) token += ALPHABET[randomInt(ALPHABET.length)];
  return token;
}

/** Keeps characters valid in a NATS subject token and in a JetStream stream name. */
function sanitiseToken(label: string, fallback: string): string {
  return label.replace(/[^A-Za-z0-9_-]+/g, '_') || fallback;
}

/**
 * A dot-terminated NATS subject prefix unique to this call, e.g. `t.k3j9x2.`.
 * Services put their `NATS_SUBJECT_PREFIX` before every subject, so tests
 * sharing one NATS server never see each other's messages.
 */
export function uniqueSubjectPrefix(label = 't'): string {
  return `${sanitiseToken(label, 't')}.${randomToken(6)}.`;
}

/** A JetStream stream (or consumer) name unique to this call: letters, digits, `_` and `-` only. */
export function uniqueStreamName(label = 'T'): string {
  return `${sanitiseToken(label, 'T')}_${randomToken(8)}`;
}
