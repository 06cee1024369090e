import { dashboardAlertRaised, dashboardAlertResolved } from '@homelab/contracts';
import type { EventStreamSpec } from '@homelab/platform';

/**
 * The JetStream stream alert events are kept in for the discord-bot. Only the
 * event subjects: a request subject inside a stream would be answered by
 * JetStream itself.
 */
export const alertStreamSpec: EventStreamSpec = {
  name: 'DASHBOARD_ALERTS',
  subjects: [dashboardAlertRaised.subject, dashboardAlertResolved.subject],
  maxAgeMs: 7 * 24 * 3_600_000,
};
