import { useSearchParams } from 'react-router';
import { api, apiPath } from '../api/client';
import type { Alert, AlertList } from '../api/types';
import { Badge } from '../components/badge';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading, Spinner } from '../components/states';
import { formatDateTime, timeAgo } from '../lib/format';
import { useAction } from '../lib/use-action';
import { useApi } from '../lib/use-api';
import { useIsAdmin } from '../session/session';

function AlertRow({ alert, onChanged }: { alert: Alert; onChanged: (alert: Alert) => void }) {
  const isAdmin = useIsAdmin();
  const { run, busy } = useAction();
  return (
    <li className={alert.resolvedAt ? 'alert-card card resolved' : 'alert-card card'} data-alert={alert.key}>
      <div className="alert-head">
        <Badge tone={alert.resolvedAt ? 'muted' : alert.severity === 'critical' ? 'bad' : 'warn'}>{alert.severity}</Badge>
        <span className="chip">{alert.source}</span>
        <strong className="alert-title">{alert.title}</strong>
      </div>
      {alert.message ? <p className="alert-message">{alert.message}</p> : null}
      <div className="alert-meta small muted">
        <span title={formatDateTime(alert.raisedAt)}>raised {timeAgo(alert.raisedAt)}</span>
        {alert.resolvedAt ? <span title={formatDateTime(alert.resolvedAt)}> · resolved {timeAgo(alert.resolvedAt)}</span> : null}
        {alert.acknowledgedAt ? (
          <span>
            {' '}
            · acknowledged {timeAgo(alert.acknowledgedAt)}
            {alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ''}
          </span>
        ) : null}
      </div>
      {isAdmin && !alert.acknowledgedAt && !alert.resolvedAt ? (
        <button
          type="button"
          className="btn btn-small"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const acknowledged = await api.post<Alert>(apiPath('alerts', alert.id, 'acknowledge'));
              onChanged(acknowledged);
            }, 'Acknowledged.')
          }
        >
          {busy ? <Spinner /> : null}
          Acknowledge
        </button>
      ) : null}
    </li>
  );
}

export default function AlertsPage() {
  const [params, setParams] = useSearchParams();
  const state = params.get('state') === 'all' ? 'all' : 'open';
  const { data, error, loading, reload, mutate } = useApi<AlertList>(`/api/alerts?state=${state}`, { pollMs: 15_000 });
  const onChanged = (changed: Alert): void => mutate((current) => current && { alerts: current.alerts.map((a) => (a.id === changed.id ? changed : a)) });
  return (
    <>
      <PageHeader
        title="Alerts"
        actions={
          <div className="segmented" role="radiogroup" aria-label="Which alerts">
            {(['open', 'all'] as const).map((value) => (
              <button
                key={value}
                type="button"
                role="radio"
                aria-checked={state === value}
                className={state === value ? 'segment active' : 'segment'}
                onClick={() => setParams(value === 'open' ? {} : { state: value }, { replace: true })}
              >
                {value === 'open' ? 'Open' : 'All'}
              </button>
            ))}
          </div>
        }
      />
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what="alerts" /> : null}
      {data && data.alerts.length === 0 ? <Empty title={state === 'open' ? 'No open alerts' : 'No alerts yet'}>{state === 'open' ? 'Everything monitored is fine.' : null}</Empty> : null}
      {data && data.alerts.length > 0 ? (
        <ul className="alert-cards">
          {data.alerts.map((alert) => (
            <AlertRow key={alert.id} alert={alert} onChanged={onChanged} />
          ))}
        </ul>
      ) : null}
    </>
  );
}
