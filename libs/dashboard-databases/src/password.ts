import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random password of letters and digits (32 characters ≈ 190 bits). No
 * punctuation: it travels through connection URLs, shell variables and
 * config files of four engines without quoting.
 */
export function generatePassword(length = 32): string {
  let password = '';
  for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}
