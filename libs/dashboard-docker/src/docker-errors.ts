import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** `:host` names no configured Docker host. */
export class DockerHostUnknownError extends DomainError {
  constructor(host: string) {
    const shown = host.slice(0, 64);
    super(DomainErrorKind.NotFound, 'DOCKER_HOST_UNKNOWN', `No Docker host is called "${shown}" (see DOCKER_HOSTS)`, { host: shown });
  }
}

/** The Docker host could not be reached or refused the connection; `details.reason` is the failure code. */
export class DockerHostUnavailableError extends DomainError {
  constructor(host: string, reason: string, message: string, options?: ErrorOptions) {
    super(DomainErrorKind.Unavailable, 'DOCKER_HOST_UNAVAILABLE', message, { host, reason }, options);
  }
}

/** The Docker host took longer than DOCKER_TIMEOUT_MS (plus the stop grace period for stop/restart). */
export class DockerTimeoutError extends DomainError {
  constructor(host: string, operation: string, timeoutMs: number, options?: ErrorOptions) {
    super(DomainErrorKind.Timeout, 'DOCKER_TIMEOUT', `Docker host "${host}" did not finish "${operation}" within ${timeoutMs} ms`, { host, operation, timeoutMs }, options);
  }
}

/** No such container on the host (also when it vanished after the list was shown). */
export class ContainerNotFoundError extends DomainError {
  constructor(host: string, container: string) {
    super(DomainErrorKind.NotFound, 'CONTAINER_NOT_FOUND', `Container "${container}" does not exist on Docker host "${host}" (it may have been removed)`, { host, container });
  }
}

/** A container id or name that is neither a hex id nor a valid Docker name. */
export class ContainerRefInvalidError extends DomainError {
  constructor(field: string) {
    super(DomainErrorKind.Invalid, 'CONTAINER_REF_INVALID', `${field}: expected a container id (hex) or name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)`, { field });
  }
}

/** A destructive action needs `confirm` equal to the container's name. */
export class ConfirmationRequiredError extends DomainError {
  constructor(host: string, name: string) {
    super(DomainErrorKind.Conflict, 'CONFIRMATION_REQUIRED', `Type the container's name "${name}" in "confirm" to remove it`, { host, expected: name });
  }
}

/** Docker refused the action in the container's current state (e.g. removing a running container without force). */
export class ContainerConflictError extends DomainError {
  constructor(host: string, container: string, message: string) {
    super(DomainErrorKind.Conflict, 'CONTAINER_CONFLICT', message, { host, container });
  }
}
