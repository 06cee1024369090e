import type { DashboardAlert } from '@homelab/contracts';

/** An alert as the API lists it. */
export interface StoredAlert extends DashboardAlert {
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** A row with its outbox state: `revision` counts transitions, `publishedRevision` how far NATS has heard. */
export interface OutboxAlert extends StoredAlert {
  revision: number;
  publishedRevision: number;
}
