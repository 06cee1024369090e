import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { RpcError, RpcErrorCode, type RpcErrorBody } from '@homelab/contracts';
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
    this.logger.error({ err: exception }, 'Unhandled error in NATS handler');
    return throwError(() => ({ code: RpcErrorCode.Internal, message: 'Internal error' }));
  }
}
