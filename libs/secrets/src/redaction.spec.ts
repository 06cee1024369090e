import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, redactor } from './index.js';

describe('Redactor', () => {
  it('replaces every occurrence of a registered value', () => {
    const r = new Redactor();
    r.register('hunter2-password');
    expect(r.redact('login with hunter2-password, again hunter2-password.')).toBe(
      `login with ${REDACTED}, again ${REDACTED}.`,
    );
    expect(r.redact('nothing secret here')).toBe('nothing secret here');
  });

  it('leaves text alone until something is registered, and ignores short or empty values', () => {
    const r = new Redactor();
    expect(r.redact('admin 12345')).toBe('admin 12345');
    r.register('admin');
    r.register('12345');
    r.register('');
    r.register(undefined);
    r.register(null);
    expect(r.size).toBe(0);
    expect(r.redact('admin 12345')).toBe('admin 12345');
    r.register('123456');
    expect(r.redact('pin 123456')).toBe(`pin ${REDACTED}`);
  });

  it('treats regular-expression characters literally', () => {
    const r = new Redactor();
    r.register('a.b*c+d?(e)[f]{g}|h^i$j\\k/l-m');
    expect(r.redact('x a.b*c+d?(e)[f]{g}|h^i$j\\k/l-m y')).toBe(`x ${REDACTED} y`);
    expect(r.redact('aXbbbcd')).toBe('aXbbbcd');
  });

  it('redacts the JSON-escaped form of a value', () => {
    const r = new Redactor();
    const secret = 'pa"ss\\word\nline2';
    r.register(secret);
    const logged = JSON.stringify({ msg: 'connecting', password: secret });
    expect(logged).not.toContain(secret);
    expect(r.redact(logged)).toBe(`{"msg":"connecting","password":"${REDACTED}"}`);
  });

  it('redacts URL-encoded forms of a value (path, query and form encoding)', () => {
    const r = new Redactor();
    const secret = 'p@ss w/rd&more';
    r.register(secret);
    expect(r.redact(`postgresql://app:${encodeURIComponent(secret)}@db:5432/app`)).toBe(
      `postgresql://app:${REDACTED}@db:5432/app`,
    );
    const query = new URLSearchParams({ token: secret }).toString();
    expect(r.redact(`GET /cb?${query}`)).toBe(`GET /cb?token=${REDACTED}`);
    expect(r.redact(`raw ${secret}`)).toBe(`raw ${REDACTED}`);
  });

  it('removes the longest match when one secret contains another', () => {
    const r = new Redactor();
    r.register('secret-one');
    r.register('secret-one-and-more');
    expect(r.redact('v=secret-one-and-more;w=secret-one')).toBe(`v=${REDACTED};w=${REDACTED}`);
  });

  it('picks up values registered after a redaction (the pattern is rebuilt)', () => {
    const r = new Redactor();
    r.register('first-secret');
    expect(r.redact('first-secret second-secret')).toBe(`${REDACTED} second-secret`);
    r.register('second-secret');
    expect(r.redact('first-secret second-secret')).toBe(`${REDACTED} ${REDACTED}`);
    r.clear();
    expect(r.redact('first-secret')).toBe('first-secret');
  });

  it('gives the same result on repeated calls (no global-regex state leaks between calls)', () => {
    const r = new Redactor();
    r.register('abcdef123');
    for (let i = 0; i < 3; i++) expect(r.redact('abcdef123')).toBe(REDACTED);
  });

  it('redacts error messages, stacks and causes without touching the original', () => {
    const r = new Redactor();
    r.register('s3cr3t-token');
    const original = new TypeError('auth failed for s3cr3t-token', {
      cause: Object.assign(new Error('inner s3cr3t-token'), { code: 'E_INNER' }),
    });
    const safe = r.redactError(original);
    expect(safe).toBeInstanceOf(Error);
    expect(safe.name).toBe('TypeError');
    expect(safe.message).toBe(`auth failed for ${REDACTED}`);
    expect(safe.stack).toContain(`TypeError: auth failed for ${REDACTED}`);
    expect(safe.stack).not.toContain('s3cr3t-token');
    expect(safe.stack).toContain('redaction.spec.ts');
    const cause = safe.cause as Error & { code?: string };
    expect(cause.message).toBe(`inner ${REDACTED}`);
    expect(cause.code).toBe('E_INNER');
    expect(original.message).toBe('auth failed for s3cr3t-token');
  });

  it('turns thrown non-Error values into redacted Errors', () => {
    const r = new Redactor();
    r.register('s3cr3t-token');
    expect(r.redactError('plain s3cr3t-token').message).toBe(`plain ${REDACTED}`);
    expect(r.redactError({ token: 's3cr3t-token' }).message).toBe(`{"token":"${REDACTED}"}`);
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(r.redactError(circular).message).toBe('[object Object]');
  });

  it('exports one process-wide instance', async () => {
    const again = await import('./redaction.js');
    expect(again.redactor).toBe(redactor);
    expect(redactor).toBeInstanceOf(Redactor);
  });
});
