import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** A GET under /api that no controller serves. */
export class ApiRouteNotFoundError extends DomainError {
  constructor(path: string) {
    super(DomainErrorKind.NotFound, 'ROUTE_NOT_FOUND', `No API route answers GET ${path}.`);
  }
}

/** A static file the UI does not have. */
export class WebFileNotFoundError extends DomainError {
  constructor(path: string) {
    super(DomainErrorKind.NotFound, 'FILE_NOT_FOUND', `No file at ${path}.`);
  }
}
