import type { z } from 'zod';
import type { EventContract, RpcContract } from './contract.js';
import { describeIssues, RpcError, RpcErrorCode } from './errors.js';

function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  subject: string,
  code: RpcErrorCode,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RpcError(code, `${what} for ${subject} is invalid: ${describeIssues(result.error)}`, subject, {
    issues: result.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

export function parseRequest<C extends RpcContract>(contract: C, value: unknown): z.output<C['request']> {
  return parseWith<C['request']>(contract.request, value, contract.subject, RpcErrorCode.BadRequest, 'Request');
}

export function parseResponse<C extends RpcContract>(contract: C, value: unknown): z.output<C['response']> {
  return parseWith<C['response']>(contract.response, value, contract.subject, RpcErrorCode.BadResponse, 'Response');
}

export function parsePayload<C extends EventContract>(contract: C, value: unknown): z.output<C['payload']> {
  return parseWith<C['payload']>(contract.payload, value, contract.subject, RpcErrorCode.BadRequest, 'Event payload');
}

/** Byte length of the JSON a value encodes to, checked against the contract's ceiling. */
export function assertWithinSize(contract: RpcContract | EventContract, bytes: number): void {
  if (bytes > contract.maxBytes) {
    throw new RpcError(
      RpcErrorCode.PayloadTooLarge,
      `Message for ${contract.subject} is ${bytes} bytes; the limit is ${contract.maxBytes}`,
      contract.subject,
    );
  }
}
