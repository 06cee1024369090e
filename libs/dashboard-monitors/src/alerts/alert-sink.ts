import type { AlertSeverity, AlertSource } from '@homelab/contracts';

/** A condition that is wrong now. `key` names it stably, e.g. `tls:example.com:443`. */
export interface AlertCondition {
  key: string;
  source: AlertSource;
  severity: AlertSeverity;
  title: string;
  message: string;
}

/**
 * Where checkers report what they see. Checkers call `raise` every time a
 * condition holds and `resolve` every time it does not: the sink keeps one
 * open alert per key, publishes `dashboard.alert.raised` once when it opens
 * (again when its severity changes) and `dashboard.alert.resolved` once when
 * it clears. Both are idempotent and safe from several replicas at once.
 */
export interface AlertSink {
  raise(condition: AlertCondition): Promise<void>;
  resolve(key: string): Promise<void>;
}
