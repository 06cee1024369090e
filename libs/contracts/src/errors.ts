import { z } from 'zod';

/** Every way a NATS exchange can fail, as seen by either side. */
export enum RpcErrorCode {
  /** The request did not match the contract's request schema. */
  BadRequest = 'BAD_REQUEST',
  /** The bytes were not a JSON message of our envelope. */
  Malformed = 'MALFORMED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** A subject in a service's namespace that no handler serves. */
  UnknownSubject = 'UNKNOWN_SUBJECT',
  /** No service is listening on the subject. */
  Unavailable = 'UNAVAILABLE',
  Timeout = 'TIMEOUT',
  /** The responder answered with something that breaks the response schema. */
  BadResponse = 'BAD_RESPONSE',
  /** A domain rule refused the request (e.g. not found, conflict). */
  Rejected = 'REJECTED',
  NotFound = 'NOT_FOUND',
  Internal = 'INTERNAL',
}

/** What travels in the `err` field of a reply. */
export const rpcErrorBody = z.object({
  code: z.enum(RpcErrorCode),
  message: z.string(),
  details: z.unknown().optional(),
});
export type RpcErrorBody = z.infer<typeof rpcErrorBody>;

export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly subject: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toBody(): RpcErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns zod issues into one short line a human can act on. */
export function describeIssues(error: z.ZodError, limit = 3): string {
  const parts = error.issues.slice(0, limit).map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > limit ? ` (+${error.issues.length - limit} more)` : '';
  return parts.join('; ') + more;
}
