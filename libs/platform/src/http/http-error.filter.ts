import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, DomainErrorKind, RpcError, RpcErrorCode } from '@homelab/contracts';
import type { Logger } from '@homelab/tracing';

export function httpStatusFor(code: RpcErrorCode): number {
  switch (code) {
    case RpcErrorCode.BadRequest:
    case RpcErrorCode.Malformed:
      return 400;
    case RpcErrorCode.NotFound:
    case RpcErrorCode.UnknownSubject:
      return 404;
    case RpcErrorCode.Rejected:
      return 409;
    case RpcErrorCode.PayloadTooLarge:
      return 413;
    case RpcErrorCode.Unavailable:
      return 503;
    case RpcErrorCode.Timeout:
      return 504;
    case RpcErrorCode.BadResponse:
      return 502;
    case RpcErrorCode.Internal:
      return 500;
    default: {
      const unhandled: never = code;
      throw new Error(`No HTTP status for ${String(unhandled)}`);
    }
  }
}

export function httpStatusForKind(kind: DomainErrorKind): number {
  switch (kind) {
    case DomainErrorKind.Invalid:
      return 400;
    case DomainErrorKind.Unauthenticated:
      return 401;
    case DomainErrorKind.Forbidden:
      return 403;
    case DomainErrorKind.NotFound:
      return 404;
    case DomainErrorKind.Conflict:
      return 409;
    case DomainErrorKind.RateLimited:
      return 429;
    case DomainErrorKind.Unavailable:
      return 503;
    case DomainErrorKind.Timeout:
      return 504;
    default: {
      const unhandled: never = kind;
      throw new Error(`No HTTP status for ${String(unhandled)}`);
    }
  }
}

/** Maps errors to HTTP answers `{ error: { code, message } }`; never leaks stack traces. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof RpcError) {
      void reply.status(httpStatusFor(exception.code)).send({ error: exception.toBody() });
      return;
    }
    if (exception instanceof DomainError) {
      const retryAfter = exception.details?.['retryAfterSeconds'];
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(Math.ceil(retryAfter)));
      void reply.status(httpStatusForKind(exception.kind)).send({ error: exception.toBody() });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      void reply.status(status).send({ error: { code: `HTTP_${status}`, message: exception.message } });
      return;
    }
    this.logger.error({ err: exception }, 'Unhandled error in HTTP handler');
    void reply.status(500).send({ error: { code: RpcErrorCode.Internal, message: 'Internal error' } });
  }
}
