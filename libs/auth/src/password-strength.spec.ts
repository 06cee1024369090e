import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD_LENGTH } from './password.js';
import { assertStrongPassword, checkPasswordStrength, PASSWORD_MIN_LENGTH, WeakPasswordError, type PasswordRule } from './password-strength.js';

function ruleOf(password: string): PasswordRule | 'ok' {
  const result = checkPasswordStrength(password);
  return result.ok ? 'ok' : result.rule;
}

describe('assertStrongPassword', () => {
  it('accepts long mixed passwords and passphrases', () => {
    for (const good of ['correct horse battery staple', 'Tr0ub4dor&3-horse', 'mein-homelab-2024-ist-toll', 'zg8#Lq2!vWp9', '日本語のパスワード123']) {
      expect(() => assertStrongPassword(good), good).not.toThrow();
    }
  });

  it(`rejects passwords shorter than ${PASSWORD_MIN_LENGTH} characters, saying so`, () => {
    expect(ruleOf('Short1!xyzA')).toBe('min_length'); // 11
    expect(ruleOf('Short1!xyzAb')).toBe('ok'); // 12
    expect(() => assertStrongPassword('abc')).toThrow(/at least 12 characters/);
    // counted in characters, not UTF-16 units: 11 emoji are 22 code units
    expect(ruleOf('😀'.repeat(11))).toBe('min_length');
  });

  it('rejects over-long input', () => {
    expect(ruleOf(`aB1${'x'.repeat(MAX_PASSWORD_LENGTH)}`)).toBe('max_length');
  });

  it('rejects passwords made of a single character class', () => {
    expect(ruleOf('abcdefghijklmnop')).toBe('character_classes');
    expect(ruleOf('ABCDEFGHIJKLMNOP')).toBe('character_classes');
    expect(ruleOf('938475610293847')).toBe('character_classes');
    expect(ruleOf('!@#$%^&*()_+{}')).toBe('character_classes');
    expect(() => assertStrongPassword('onlylowercaseletters')).toThrow(/only lowercase characters/);
    expect(ruleOf('onlylowercase letters')).toBe('ok'); // the space is a symbol
  });

  it('rejects common passwords and trivial variations of them', () => {
    for (const common of ['password1234', 'Password1234', 'qwerty123456', '1q2w3e4r5t6y', 'P@ssw0rd2024!', '@dmin2024!!!!', 'Welcome12345', 'passwordPASSWORD', '!!Homelab2025']) {
      expect(ruleOf(common), common).toBe('common_password');
    }
    expect(() => assertStrongPassword('Password1234')).toThrow(/most common passwords/);
  });

  it('reports the rule on the error and never echoes the password', () => {
    const secret = 'Password1234';
    let caught: unknown;
    try {
      assertStrongPassword(secret);
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WeakPasswordError);
    expect((caught as WeakPasswordError).rule).toBe('common_password');
    expect((caught as WeakPasswordError).message).not.toContain(secret);
  });
});
