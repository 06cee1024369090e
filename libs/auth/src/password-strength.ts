import { COMMON_BASE_WORDS, COMMON_PASSWORDS } from './common-passwords.js';
import { MAX_PASSWORD_LENGTH } from './password.js';

export const PASSWORD_MIN_LENGTH = 12;

/** The rule a rejected password broke. */
export type PasswordRule = 'min_length' | 'max_length' | 'character_classes' | 'common_password';

/** Thrown by {@link assertStrongPassword}; the message names the broken rule and never echoes the password. */
export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';

  constructor(
    readonly rule: PasswordRule,
    message: string,
  ) {
    super(message);
  }
}

export type PasswordStrengthResult = { ok: true } | { ok: false; rule: PasswordRule; message: string };

type CharacterClass = 'lowercase' | 'uppercase' | 'digit' | 'symbol' | 'other-letter';

function classify(char: string): CharacterClass {
  if (/\p{Ll}/u.test(char)) return 'lowercase';
  if (/\p{Lu}|\p{Lt}/u.test(char)) return 'uppercase';
  if (/\p{Nd}/u.test(char)) return 'digit';
  // Scripts without case (CJK, Arabic, …) count as their own class rather than as symbols.
  if (/\p{L}/u.test(char)) return 'other-letter';
  return 'symbol';
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  '$': 's',
  '!': 'i',
};

const trimLeading = (text: string): string => text.replace(/^[^\p{L}]+/u, '');
const trimTrailing = (text: string): string => text.replace(/[^\p{L}]+$/u, '');
const unLeet = (text: string): string => [...text].map((char) => LEET[char] ?? char).join('');

/**
 * Candidate "core words" once digit/symbol padding is stripped and leetspeak undone:
 * "P@ssw0rd2024!" → "password", "@dmin2024" → "admin".
 */
function coreWords(lowered: string): string[] {
  const trailingFirst = trimLeading(unLeet(trimTrailing(lowered)));
  const bothEnds = unLeet(trimLeading(trimTrailing(lowered)));
  return [trailingFirst, bothEnds].filter((core) => core.length > 0);
}

/** "passwordpassword", "adminadmin": a base word repeated. */
function isRepeatOfBaseWord(core: string): boolean {
  for (const word of COMMON_BASE_WORDS) {
    if (core.length % word.length === 0 && core === word.repeat(core.length / word.length)) return true;
  }
  return false;
}

function isCommon(password: string): boolean {
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return true;
  return coreWords(lowered).some((core) => COMMON_BASE_WORDS.has(core) || isRepeatOfBaseWord(core));
}

/** Evaluates the local-admin password policy, reporting the first rule that fails. */
export function checkPasswordStrength(password: string): PasswordStrengthResult {
  const normalised = typeof password === 'string' ? password.normalize('NFKC') : '';
  const chars = [...normalised];
  if (chars.length < PASSWORD_MIN_LENGTH) {
    return {
      ok: false,
      rule: 'min_length',
      message: `Password must be at least ${PASSWORD_MIN_LENGTH} characters long (it has ${chars.length}).`,
    };
  }
  if (normalised.length > MAX_PASSWORD_LENGTH) {
    return { ok: false, rule: 'max_length', message: `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.` };
  }
  const classes = new Set(chars.map(classify));
  if (classes.size < 2) {
    const [only] = classes;
    return {
      ok: false,
      rule: 'character_classes',
      message: `Password uses only ${only} characters; mix in at least one other kind (lowercase, uppercase, digits, symbols).`,
    };
  }
  if (isCommon(normalised)) {
    return {
      ok: false,
      rule: 'common_password',
      message: 'Password is one of the most common passwords (or a simple variation of one); choose something less predictable.',
    };
  }
  return { ok: true };
}

/** Throws {@link WeakPasswordError} naming the failed rule when `password` does not meet the policy. */
export function assertStrongPassword(password: string): void {
  const result = checkPasswordStrength(password);
  if (!result.ok) throw new WeakPasswordError(result.rule, result.message);
}
