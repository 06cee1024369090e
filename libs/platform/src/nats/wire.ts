import { NoRespondersError, RequestError, TimeoutError, type MsgHdrs } from '@nats-io/transport-node';
import { rpcErrorBody, RpcError, RpcErrorCode } from '@homelab/contracts';

/** Epoch milliseconds after which the caller no longer waits for the answer. */
export const DEADLINE_HEADER = 'Homelab-Deadline';

export function deadlineOf(headers: MsgHdrs | undefined): number | undefined {
  const raw = headers?.get(DEADLINE_HEADER);
  const value = raw ? Number(raw) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** Turns whatever a NATS exchange failed with into an RpcError for the caller. */
export function toRpcError(error: unknown, subject: string): RpcError {
  if (error instanceof RpcError) return error;
  if (error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())) {
    return new RpcError(RpcErrorCode.Unavailable, `No service is answering ${subject}`, subject);
  }
  if (error instanceof TimeoutError || (error instanceof Error && error.name === 'TimeoutError')) {
    return new RpcError(RpcErrorCode.Timeout, `${subject} did not answer in time`, subject);
  }
  const body = rpcErrorBody.safeParse(error);
  if (body.success) return new RpcError(body.data.code, body.data.message, subject, body.data.details);
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  return new RpcError(RpcErrorCode.Internal, `${subject} failed: ${message}`, subject);
}
