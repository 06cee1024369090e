import { DomainError, DomainErrorKind } from '@homelab/contracts';

export class AlertNotFoundError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.NotFound, 'ALERT_NOT_FOUND', `There is no alert ${id}`, { id });
  }
}
