import type { Alert } from '@homelab/dashboard-api';

/**
 * An alert as the API lists it (`Alert` of @homelab/dashboard-api). Its
 * source and severity are those of the NATS event (`DashboardAlert` of
 * @homelab/contracts): rows become events and back, so tsc holds the two together.
 */
export type StoredAlert = Alert;

/** A row with its outbox state: `revision` counts transitions, `publishedRevision` how far NATS has heard. */
export interface OutboxAlert extends StoredAlert {
  revision: number;
  publishedRevision: number;
}
