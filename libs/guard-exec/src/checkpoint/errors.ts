export type CheckpointErrorCode =
  | 'INVALID_SCOPE'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_FILE'
  | 'SNAPSHOT_FAILED'
  | 'RESTORE_FAILED'
  | 'NO_DOCKER'
  | 'IMAGE_MISSING'
  | 'NOT_FOUND'
  | 'ALREADY_RESTORED'
  | 'CANNOT_DECRYPT';

export class CheckpointError extends Error {
  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CheckpointError';
  }
}

export class CheckpointAlreadyRestoredError extends CheckpointError {
  constructor(
    readonly checkpointId: string,
    readonly restoredAt: Date,
  ) {
    super('ALREADY_RESTORED', `Checkpoint ${checkpointId} was already rolled back at ${restoredAt.toISOString()}; a checkpoint is restored at most once`);
    this.name = 'CheckpointAlreadyRestoredError';
  }
}
