import { useMemo } from 'react';
import type { CatalogHistory } from '../../api/types';
import { bucketize } from '../../lib/uptime-buckets';
import { formatDateTime, formatMs } from '../../lib/format';

export function UptimeBars({ history, spanMs = 86_400_000 }: { history: CatalogHistory | undefined; spanMs?: number }) {
  const buckets = useMemo(() => (history ? bucketize(history.results, Date.now(), spanMs) : []), [history, spanMs]);
  if (!history) return <div className="uptime-bars placeholder" aria-hidden="true" />;
  return (
    <div className="uptime-bars" role="img" aria-label={`Checks over the last 24 hours`}>
      {buckets.map((bucket) => (
        <span
          key={bucket.from}
          className={`bar bar-${bucket.status}`}
          title={
            bucket.checks === 0
              ? `${formatDateTime(new Date(bucket.from).toISOString())}: no checks`
              : `${formatDateTime(new Date(bucket.from).toISOString())}: ${bucket.status}, ${bucket.checks} check(s), avg ${formatMs(bucket.averageMs)}${bucket.error ? ` — ${bucket.error}` : ''}`
          }
        />
      ))}
    </div>
  );
}
