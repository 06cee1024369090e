import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** 400: a request field is wrong (the message names it). */
export class DatabaseRequestInvalidError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(DomainErrorKind.Invalid, 'DATABASE_REQUEST_INVALID', message, details);
  }
}

export class DatabaseNotFoundError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.NotFound, 'DATABASE_NOT_FOUND', `No one-click database ${id}`, { id });
  }
}

export class DatabaseNameTakenError extends DomainError {
  constructor(name: string) {
    super(DomainErrorKind.Conflict, 'DATABASE_NAME_TAKEN', `A database named "${name}" already exists`, { name });
  }
}

/** 409: a destructive action needs `confirm` to repeat the database's name. */
export class ConfirmationRequiredError extends DomainError {
  constructor(name: string, action: string) {
    super(DomainErrorKind.Conflict, 'CONFIRMATION_REQUIRED', `To ${action}, send "confirm": "${name}"`, { expected: name });
  }
}

export class DatabaseNotReadyError extends DomainError {
  constructor(name: string, status: string) {
    super(DomainErrorKind.Conflict, 'DATABASE_NOT_READY', `Database "${name}" is ${status}, not ready`, { status });
  }
}

export class BackupNotFoundError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.NotFound, 'BACKUP_NOT_FOUND', `No backup ${id} of this database`, { id });
  }
}

/** 409: the backup cannot be restored (not succeeded, file gone). */
export class BackupNotRestorableError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(DomainErrorKind.Conflict, 'BACKUP_NOT_RESTORABLE', message, details);
  }
}

export class RestoreInProgressError extends DomainError {
  constructor(name: string) {
    super(DomainErrorKind.Conflict, 'RESTORE_IN_PROGRESS', `A restore of "${name}" is already running`);
  }
}

/** 503: passwords are stored only encrypted, so nothing is created without the key ring. */
export class EncryptionKeysMissingError extends DomainError {
  constructor() {
    super(
      DomainErrorKind.Unavailable,
      'ENCRYPTION_KEYS_MISSING',
      'One-click databases store their generated passwords encrypted: set DATA_ENCRYPTION_KEYS (kid:base64-32-byte-key) and restart the dashboard',
      { variable: 'DATA_ENCRYPTION_KEYS' },
    );
  }
}

/** 503: the stored password cannot be decrypted (its key left the key ring, or the row was tampered with). */
export class PasswordUnreadableError extends DomainError {
  constructor(name: string, reason: string) {
    super(DomainErrorKind.Unavailable, 'PASSWORD_UNREADABLE', `The password of "${name}" cannot be decrypted: ${reason}`);
  }
}

/** 503: the Docker host did not answer (or answered with a server error). */
export class DockerHostUnavailableError extends DomainError {
  constructor(host: string, reason: string) {
    super(DomainErrorKind.Unavailable, 'DOCKER_HOST_UNAVAILABLE', `Docker host "${host}" is unavailable: ${reason}`, { host });
  }
}
