import { describe, expect, it } from 'vitest';
import { Approvers, ApproverTokensError } from './approvers.js';

const token = 'k'.repeat(32);

describe('Approvers', () => {
  it('authenticates a bearer token to its approver', () => {
    const approvers = Approvers.parse(`alice:${token},bob:${'b'.repeat(30)}`);
    expect(approvers.enabled).toBe(true);
    expect(approvers.authenticate(`Bearer ${token}`)).toBe('alice');
    expect(approvers.authenticate(`Bearer ${'b'.repeat(30)}`)).toBe('bob');
    expect(approvers.authenticate(`Bearer ${token}x`)).toBeUndefined();
    expect(approvers.authenticate(token)).toBeUndefined();
    expect(approvers.authenticate(undefined)).toBeUndefined();
  });

  it('is disabled without tokens, and refuses everyone then', () => {
    const approvers = Approvers.parse(undefined);
    expect(approvers.enabled).toBe(false);
    expect(approvers.authenticate(`Bearer ${token}`)).toBeUndefined();
  });

  it('rejects weak or malformed specs without echoing tokens', () => {
    expect(() => Approvers.parse('alice:short')).toThrow(/at least 24/);
    expect(() => Approvers.parse(`:${token}`)).toThrow(ApproverTokensError);
    expect(() => Approvers.parse(`al ice:${token}`)).toThrow(/entry 1/);
    expect(() => Approvers.parse(`alice:${token},alice:${token}`)).toThrow(/twice/);
    try {
      Approvers.parse('alice:tooshort-secret');
    } catch (error) {
      expect(String(error)).not.toContain('tooshort-secret');
    }
  });
});
