import type { DashboardConfig } from '@homelab/config';

/** The dashboard's whole validated configuration (`@Inject(DASHBOARD_CONFIG) config: DashboardConfig`). */
export const DASHBOARD_CONFIG = Symbol('DASHBOARD_CONFIG');
export type { DashboardConfig };
