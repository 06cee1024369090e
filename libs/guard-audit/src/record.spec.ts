import { describe, expect, it } from 'vitest';
import { AuditRecordError } from './errors.js';
import { insertParameters, validateRecord, type AuditRecordInput } from './record.js';

const valid: AuditRecordInput = { kind: 'execution', caller: 'jarvis', command: 'uptime', exitCode: 0, durationMs: 12, outputSha256: 'a'.repeat(64) };

describe('validateRecord', () => {
  it('accepts a complete record', () => {
    expect(() => validateRecord({ ...valid, details: { a: [1, 'b', null, { c: true }] } })).not.toThrow();
  });

  it.each<[string, AuditRecordInput, RegExp]>([
    ['unknown kind', { ...valid, kind: 'oops' as never }, /kind must be one of/],
    ['no caller', { ...valid, caller: '' }, /caller is required/],
    ['NUL in command', { ...valid, command: 'ls\u0000' }, /command contains a NUL/],
    ['unpaired surrogate', { ...valid, host: 'h\ud800' }, /host contains .* unpaired surrogate/],
    ['bad digest', { ...valid, outputSha256: 'ABC' }, /outputSha256/],
    ['fractional exit code', { ...valid, exitCode: 1.5 }, /exitCode must be an integer/],
    ['negative duration', { ...valid, durationMs: -1 }, /durationMs/],
    ['details not an object', { ...valid, details: [] as never }, /details must be a JSON object/],
    ['NaN in details', { ...valid, details: { n: Number.NaN } }, /details\.n is not a finite number/],
    ['Date in details', { ...valid, details: { d: new Date() as never } }, /details\.d is not JSON/],
    ['NUL in a details key', { ...valid, details: { 'a\u0000': 1 } }, /key with a NUL/],
    ['huge details', { ...valid, details: { big: 'x'.repeat(70_000) } }, /larger than/],
    ['long command', { ...valid, command: 'x'.repeat(70_000) }, /longer than/],
  ])('refuses %s', (_name, record, message) => {
    expect(() => validateRecord(record)).toThrow(AuditRecordError);
    expect(() => validateRecord(record)).toThrow(message);
  });

  it('keeps surrogate pairs (emoji), which are well-formed', () => {
    expect(() => validateRecord({ ...valid, command: 'echo 😀' })).not.toThrow();
  });
});

describe('insertParameters', () => {
  it('orders values like the INSERT and fills absent fields with null', () => {
    const values = insertParameters({ kind: 'evaluation', caller: 'jarvis', decision: 'deny' });
    expect(values).toHaveLength(15);
    expect(values[0]).toBe('evaluation');
    expect(values[2]).toBe('jarvis');
    expect(values[6]).toBe('deny');
    expect(values.at(-1)).toBe('{}');
  });
});
