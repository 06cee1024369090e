import { DomainError, DomainErrorKind } from '@homelab/contracts';
import type { CatalogProblem } from './catalog-entry.js';

export class CatalogInvalidError extends DomainError {
  constructor(readonly problems: CatalogProblem[]) {
    const first = problems[0];
    const where = first?.line ? ` (line ${first.line})` : '';
    super(
      DomainErrorKind.Invalid,
      'CATALOG_INVALID',
      `The catalog has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was saved. First${where}: ${first?.message ?? 'unknown'}`,
      { problems },
    );
  }
}

export class CatalogNotConfiguredError extends DomainError {
  constructor() {
    super(DomainErrorKind.Conflict, 'CATALOG_NOT_CONFIGURED', 'No catalog file is configured; set CATALOG_FILE to the path of a YAML file the dashboard may write.');
  }
}

export class CatalogEntryNotFoundError extends DomainError {
  constructor(id: string) {
    super(DomainErrorKind.NotFound, 'CATALOG_ENTRY_NOT_FOUND', `The catalog has no service with id "${id}"`, { id });
  }
}

export class CatalogFileError extends DomainError {
  constructor(action: 'read' | 'write', file: string, reason: string, options?: ErrorOptions) {
    super(
      DomainErrorKind.Unavailable,
      action === 'read' ? 'CATALOG_UNREADABLE' : 'CATALOG_WRITE_FAILED',
      `Could not ${action} the catalog file ${file}: ${reason}`,
      { file },
      options,
    );
  }
}
