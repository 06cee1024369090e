import { z } from 'zod';
import { defineEvent } from '../contract.js';

export const alertSeverity = z.enum(['warning', 'critical']);
export type AlertSeverity = z.infer<typeof alertSeverity>;

/** What raised an alert; the UI groups alerts by it. */
export const alertSource = z.enum(['domain', 'tls', 'link-scan', 'service', 'jetstream', 'container', 'database-backup', 'host']);
export type AlertSource = z.infer<typeof alertSource>;

export const dashboardAlert = z.object({
  id: z.uuid(),
  /** Stable identity of the condition (e.g. `tls:example.com`): one open alert per key. */
  key: z.string().min(1).max(300),
  source: alertSource,
  severity: alertSeverity,
  title: z.string().min(1).max(200),
  message: z.string().max(2000),
  raisedAt: z.iso.datetime(),
  /** Set on `dashboard.alert.resolved`. */
  resolvedAt: z.iso.datetime().nullable(),
});
export type DashboardAlert = z.infer<typeof dashboardAlert>;

export const dashboardAlertRaised = defineEvent({
  subject: 'dashboard.alert.raised',
  owner: 'dashboard',
  description:
    'A monitored condition went wrong (TLS expiry, a domain or service down, work piling up in JetStream, a failed backup); durable on JetStream for the discord-bot to deliver.',
  payload: dashboardAlert,
});

export const dashboardAlertResolved = defineEvent({
  subject: 'dashboard.alert.resolved',
  owner: 'dashboard',
  description: 'A raised alert\'s condition cleared; durable on JetStream.',
  payload: dashboardAlert,
});

export const dashboardSessionRevoked = defineEvent({
  subject: 'dashboard.session.revoked',
  owner: 'dashboard',
  description: 'A login session ended (logout, password change, user disabled); every dashboard replica drops it from its cache at once.',
  payload: z.object({ sessionIds: z.array(z.string().min(1).max(128)).max(1000), userId: z.uuid().optional() }).strict(),
});

export const dashboardContracts = [dashboardAlertRaised, dashboardAlertResolved, dashboardSessionRevoked] as const;
