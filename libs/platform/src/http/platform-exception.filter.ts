import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Logger } from '@homelab/tracing';
import { HttpErrorFilter } from './http-error.filter.js';
import { RpcErrorFilter } from '../rpc/rpc-error.filter.js';

/**
 * Nest applies app-wide filters to every transport of a hybrid app, so this
 * one hands each error to the filter of the transport it came from.
 */
@Catch()
export class PlatformExceptionFilter implements ExceptionFilter {
  private readonly http: HttpErrorFilter;
  private readonly rpc: RpcErrorFilter;

  constructor(logger: Logger) {
    this.http = new HttpErrorFilter(logger);
    this.rpc = new RpcErrorFilter(logger);
  }

  catch(exception: unknown, host: ArgumentsHost): Observable<unknown> | void {
    if (host.getType() === 'rpc') return this.rpc.catch(exception);
    return this.http.catch(exception, host);
  }
}
