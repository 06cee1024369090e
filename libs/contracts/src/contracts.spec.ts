import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  allContracts,
  assertWithinSize,
  defineRpc,
  guardPing,
  healthContracts,
  parseRequest,
  parseResponse,
  RpcError,
  RpcErrorCode,
  serviceNames,
} from './index.js';

function errorOf(fn: () => unknown): RpcError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RpcError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('contracts', () => {
  it('names every subject <service>.<entity>.<verb> with the owner service first', () => {
    for (const contract of allContracts) {
      expect(contract.subject.split('.')).toHaveLength(3);
    }
    expect(() => defineRpc({ subject: 'Bad Subject', owner: 'dashboard', description: '', request: z.object({}), response: z.object({}) })).toThrow(/must be/);
  });

  it('has a health contract per service', () => {
    expect(Object.keys(healthContracts).sort()).toEqual([...serviceNames].sort());
    expect(healthContracts['jarvis-guard'].subject).toBe('guard.health.get');
  });

  it('rejects a request that breaks its schema with a clear message', () => {
    const error = errorOf(() => parseRequest(guardPing, { payload: 42 }));
    expect(error.code).toBe(RpcErrorCode.BadRequest);
    expect(error.message).toBe('Request for guard.system.ping is invalid: payload: Invalid input: expected string, received number');
    expect(errorOf(() => parseRequest(guardPing, { payload: 'x', extra: 1 })).message).toMatch(/extra/);
  });

  it('rejects a response that breaks its schema', () => {
    const error = errorOf(() => parseResponse(guardPing, { payload: 'x', receivedAt: 'yesterday' }));
    expect(error.code).toBe(RpcErrorCode.BadResponse);
    expect(error.message).toMatch(/^Response for guard.system.ping is invalid: receivedAt/);
  });

  it('refuses oversized messages', () => {
    expect(() => assertWithinSize(guardPing, guardPing.maxBytes)).not.toThrow();
    expect(errorOf(() => assertWithinSize(guardPing, guardPing.maxBytes + 1)).code).toBe(RpcErrorCode.PayloadTooLarge);
  });
});
