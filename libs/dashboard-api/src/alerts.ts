// docs/dashboard-api.md, "Alerts". The NATS events `dashboard.alert.raised`/`resolved` carry `DashboardAlert`.

export type AlertSeverity = 'warning' | 'critical';

/** What raised an alert; the UI groups alerts by it. */
export type AlertSource = 'domain' | 'tls' | 'link-scan' | 'service' | 'jetstream' | 'container' | 'database-backup' | 'host';

export interface DashboardAlert {
  id: string;
  /** Stable identity of the condition (e.g. `tls:example.com:443`): one open alert per key. */
  key: string;
  source: AlertSource;
  severity: AlertSeverity;
  title: string;
  message: string;
  raisedAt: string;
  resolvedAt: string | null;
}

/** An alert as `GET /api/alerts` lists it and `POST /api/alerts/:id/acknowledge` answers (the first acknowledgement is kept). */
export interface Alert extends DashboardAlert {
  acknowledgedAt: string | null;
  /** The user name of who acknowledged it. */
  acknowledgedBy: string | null;
}

/** `?state=` of the list: `open` (the default) or `all` (the latest 500). */
export type AlertListState = 'open' | 'all';

/** `GET /api/alerts`, newest first. */
export interface AlertList {
  alerts: Alert[];
}
