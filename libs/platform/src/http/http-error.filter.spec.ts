import { describe, expect, it } from 'vitest';
import { RpcErrorCode } from '@homelab/contracts';
import { httpStatusFor } from './http-error.filter.js';

describe('httpStatusFor', () => {
  it('maps every RPC error code to an HTTP status', () => {
    const statuses = Object.values(RpcErrorCode).map((code) => [code, httpStatusFor(code)] as const);
    expect(statuses).toHaveLength(Object.values(RpcErrorCode).length);
    expect(Object.fromEntries(statuses)).toMatchObject({ BAD_REQUEST: 400, UNAVAILABLE: 503, TIMEOUT: 504, NOT_FOUND: 404, INTERNAL: 500 });
    for (const [, status] of statuses) expect(status).toBeGreaterThanOrEqual(400);
  });
});
