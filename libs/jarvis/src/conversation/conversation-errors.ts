import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** Unknown, or another user's: both answer 404, so ids of others' conversations are not confirmed. */
export class ConversationNotFoundError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.NotFound, 'CONVERSATION_NOT_FOUND', `No conversation ${id}`, { id });
  }
}

export class TurnInProgressError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.Conflict, 'TURN_IN_PROGRESS', 'Jarvis is still answering in this conversation; wait for it or press stop', { id });
  }
}

export class JarvisRequestInvalidError extends DomainError {
  constructor(field: string, message: string) {
    super(DomainErrorKind.Invalid, 'JARVIS_REQUEST_INVALID', message, { field });
  }
}
