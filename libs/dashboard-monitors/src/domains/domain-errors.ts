import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** A field of a domain request is wrong; `details.field` names it. */
export class DomainInvalidError extends DomainError {
  constructor(field: string, message: string, details: Record<string, unknown> = {}) {
    super(DomainErrorKind.Invalid, 'DOMAIN_INVALID', message, { field, ...details });
  }
}

export class DomainExistsError extends DomainError {
  constructor(name: string, port: number, path: string) {
    super(DomainErrorKind.Conflict, 'DOMAIN_EXISTS', `${name}:${port}${path} is already monitored`, { name, port, path });
  }
}

export class DomainNotFoundError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.NotFound, 'DOMAIN_NOT_FOUND', `No monitored domain with id ${id}`, { id });
  }
}
