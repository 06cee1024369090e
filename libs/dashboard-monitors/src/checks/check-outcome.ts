import type { CheckStatus } from '@homelab/dashboard-api';

/** `up`, `degraded` or `down` (the API's `CheckStatus`). */
export type { CheckStatus };

/** What one health check saw. */
export interface CheckOutcome {
  status: CheckStatus;
  responseMs: number | null;
  error: string | null;
  /**
   * Degraded only because the operator chose not to verify TLS: shown, never
   * alerted on (the operator decided it knowingly).
   */
  accepted?: boolean;
}

export const elapsedSince = (started: number): number => Math.round(performance.now() - started);
