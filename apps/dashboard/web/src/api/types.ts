// The shapes of docs/dashboard-api.md are the server's own (@homelab/dashboard-api,
// types only: nothing of it reaches the bundle). What follows them is the UI's.
import type { HostMetricsRange } from '@homelab/dashboard-api';

export type * from '@homelab/dashboard-api';

/** The ranges the host-metrics page offers, in the order of its picker. */
export const METRIC_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const satisfies readonly HostMetricsRange[];
