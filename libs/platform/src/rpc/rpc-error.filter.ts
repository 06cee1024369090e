import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { DomainError, DomainErrorKind, RpcError, RpcErrorCode, type RpcErrorBody } from '@homelab/contracts';
import type { Logger } from '@homelab/tracing';

/**
 * The one place NATS handler failures become reply bodies. Known errors
 * keep their code and message; anything else is logged and answered as
 * INTERNAL without internals.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown): Observable<RpcErrorBody> {
    if (exception instanceof RpcError) return throwError(() => exception.toBody());
    if (exception instanceof DomainError) {
      const body: RpcErrorBody = { code: rpcCodeForKind(exception.kind), message: exception.message, details: { code: exception.code, ...exception.details } };
      return throwError(() => body);
    }
    this.logger.error({ err: exception }, 'Unhandled error in NATS handler');
    return throwError(() => ({ code: RpcErrorCode.Internal, message: 'Internal error' }));
  }
}

export function rpcCodeForKind(kind: DomainErrorKind): RpcErrorCode {
  switch (kind) {
    case DomainErrorKind.Invalid:
      return RpcErrorCode.BadRequest;
    case DomainErrorKind.NotFound:
      return RpcErrorCode.NotFound;
    case DomainErrorKind.Conflict:
    case DomainErrorKind.Forbidden:
    case DomainErrorKind.Unauthenticated:
    case DomainErrorKind.RateLimited:
      return RpcErrorCode.Rejected;
    case DomainErrorKind.Unavailable:
      return RpcErrorCode.Unavailable;
    case DomainErrorKind.Timeout:
      return RpcErrorCode.Timeout;
    default: {
      const unhandled: never = kind;
      throw new Error(`No RPC code for ${String(unhandled)}`);
    }
  }
}
