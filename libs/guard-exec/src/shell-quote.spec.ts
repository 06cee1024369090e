import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from './shell-quote.js';

/** What /bin/sh actually makes of a quoted word: printf writes it back between markers. */
function roundTrip(word: string): string {
  return execFileSync('/bin/sh', ['-c', `printf '[%s]' ${shellQuote(word)}`], { env: {} }).toString('utf8');
}

const hostile = [
  '',
  ' ',
  "it's",
  "''",
  "'; rm -rf / #",
  '$(touch /tmp/guard-exec-pwned)',
  '`touch /tmp/guard-exec-pwned`',
  '${HOME}',
  '$HOME',
  'a\nb',
  'tab\there',
  '*',
  '~root',
  '-rf',
  '--',
  'A=b',
  '"double"',
  '\\backslash\\',
  '!history',
  'semi;colon|pipe&amp>gt<lt',
  'ümlaut ✓ \u202Ebidi',
];

describe('shellQuote', () => {
  it.each(hostile)('survives the real shell unchanged: %j', (word) => {
    expect(roundTrip(word)).toBe(`[${word}]`);
  });

  it('keeps plain words readable and quotes everything else', () => {
    expect(shellQuote('/etc/nginx/nginx.conf')).toBe('/etc/nginx/nginx.conf');
    expect(shellQuote('A=b')).toBe("'A=b'");
    expect(shellQuote('~root')).toBe("'~root'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('refuses NUL, which no program argument can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('joins words so that each stays one argument', () => {
    const words = ['a b', "c'd", '$(x)', ''];
    const out = execFileSync('/bin/sh', ['-c', `printf '[%s]' ${shellJoin(words)}`], { env: {} }).toString('utf8');
    expect(out).toBe('[a b][c\'d][$(x)][]');
  });
});
