import { useEffect, useRef, useState } from 'react';
import { apiPath } from '../../api/client';
import type { BrokenLink, LinkScan } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { Empty, ErrorBanner, Loading, Spinner } from '../../components/states';
import { formatDateTime, plural } from '../../lib/format';
import { useApi } from '../../lib/use-api';

type LatestScan = { scan: (LinkScan & { broken: BrokenLink[] }) | null };

/** Polls the latest scan while it runs, then lists what is broken. */
export function LinkScanDialog({ domainId, name, onClose, onFinished }: { domainId: string; name: string; onClose: () => void; onFinished: () => void }) {
  const [pollMs, setPollMs] = useState<number | undefined>(1500);
  const first = useApi<LatestScan>(apiPath('domains', domainId, 'scans', 'latest'), pollMs ? { pollMs } : {});
  const scan = first.data?.scan ?? null;
  const running = scan?.status === 'running';
  const previous = useRef<string | undefined>(undefined);

  useEffect(() => {
    const status = scan?.status;
    if (status && status !== 'running') setPollMs(undefined);
    // the domain list shows the scan's outcome: refresh it once the scan is over
    if (status && status !== 'running' && previous.current !== status) onFinished();
    previous.current = status;
  }, [scan?.status, onFinished]);

  return (
    <Dialog title={`Link scan of ${name}`} onClose={onClose} wide>
      <ErrorBanner error={first.error} />
      {first.loading ? <Loading what="the scan" /> : null}
      {!first.loading && !scan ? <Empty title="No scan yet" /> : null}
      {scan ? (
        <>
          <p className="scan-progress" role="status" aria-live="polite">
            {running ? <Spinner /> : null}
            {running ? 'Scanning… ' : scan.status === 'failed' ? 'Scan failed. ' : 'Scan finished. '}
            {plural(scan.pages, 'page')} crawled, {plural(scan.links, 'link')} checked, {plural(scan.brokenCount, 'broken link')}.
            <span className="muted small"> Started {formatDateTime(scan.startedAt)}</span>
          </p>
          {scan.error ? <ErrorBanner error={new Error(scan.error)} /> : null}
          {scan.broken.length > 0 ? (
            <table className="table responsive">
              <thead>
                <tr>
                  <th>Broken link</th>
                  <th>Answer</th>
                  <th>Found on</th>
                </tr>
              </thead>
              <tbody>
                {scan.broken.map((link) => (
                  <tr key={`${link.url} ${link.foundOn}`}>
                    <td data-label="Broken link" className="mono small break">
                      {link.url}
                    </td>
                    <td data-label="Answer" className="error-text small">
                      {link.status !== null ? `HTTP ${link.status}` : ''} {link.error ?? ''}
                    </td>
                    <td data-label="Found on" className="mono small break">
                      {link.foundOn}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : !running && scan.status === 'done' ? (
            <Empty title="No broken links" />
          ) : null}
        </>
      ) : null}
    </Dialog>
  );
}
