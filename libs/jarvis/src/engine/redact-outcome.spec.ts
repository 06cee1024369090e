import { describe, expect, it } from 'vitest';
import { Redactor } from '@homelab/secrets';
import { redactOutcome } from './tool-runner.js';

describe('redactOutcome', () => {
  const redactor = new Redactor();
  redactor.register('hunter2-secret');
  redactor.register('pa"ss\\word-x');
  const redact = (text: string): string => redactor.redact(text);

  it('removes secrets from the summary and anywhere in the result, keeping its shape', () => {
    const outcome = redactOutcome(
      { status: 'done', summary: 'found hunter2-secret', result: { lines: ['a', 'password=hunter2-secret'], nested: { quoted: 'x pa"ss\\word-x y' }, n: 3 } },
      redact,
    );
    expect(outcome).toEqual({ status: 'done', summary: 'found [REDACTED]', result: { lines: ['a', 'password=[REDACTED]'], nested: { quoted: 'x [REDACTED] y' }, n: 3 } });
  });

  it('hands back the same outcome when there is nothing to remove, and copes with results that are not JSON', () => {
    const clean = { status: 'failed' as const, summary: 'no', result: { code: 'X', message: 'nothing here' } };
    expect(redactOutcome(clean, redact)).toBe(clean);
    expect(redactOutcome({ status: 'done', summary: 'ok', result: undefined }, redact)).toEqual({ status: 'done', summary: 'ok', result: undefined });
  });
});
