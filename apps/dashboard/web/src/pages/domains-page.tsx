import { useCallback, useState } from 'react';
import { api, apiPath } from '../api/client';
import type { DomainList, DomainStatus, LinkScan, LinkScanStarted } from '../api/types';
import { Badge, StatusBadge } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading, Spinner } from '../components/states';
import { useToast } from '../components/toast';
import { expiryTone, formatDateTime, formatMs, plural, timeAgo } from '../lib/format';
import { useAction } from '../lib/use-action';
import { useApi } from '../lib/use-api';
import { useIsAdmin } from '../session/session';
import { DomainForm } from './domains/domain-form';
import { LinkScanDialog } from './domains/link-scan';

function Dns({ dns }: { dns: DomainStatus['dns'] }) {
  if (!dns) return <span className="muted">—</span>;
  if (!dns.ok) return <span className="error-text">{dns.error ?? 'does not resolve'}</span>;
  return (
    <span className="mono small" title={dns.addresses.join(', ')}>
      {dns.addresses[0] ?? ''}
      {dns.addresses.length > 1 ? <span className="muted"> +{dns.addresses.length - 1}</span> : null}
    </span>
  );
}

function Http({ http }: { http: DomainStatus['http'] }) {
  if (!http) return <span className="muted">—</span>;
  if (!http.ok) return <span className="error-text">{http.error ?? (http.status !== null ? `HTTP ${http.status}` : 'failed')}</span>;
  return (
    <span>
      {http.status} <span className="muted small">{formatMs(http.responseMs)}</span>
    </span>
  );
}

function Tls({ domain }: { domain: DomainStatus }) {
  const tls = domain.tls;
  if (!tls) return <span className="muted">—</span>;
  if (tls.error && tls.daysLeft === null) return <span className="error-text">{tls.error}</span>;
  const tone = !tls.authorized ? 'bad' : expiryTone(tls.daysLeft, domain.warnDays, domain.criticalDays);
  return (
    <span title={`Issuer: ${tls.issuer ?? '?'} · valid until ${formatDateTime(tls.validTo)}`}>
      <Badge tone={tone}>{tls.daysLeft !== null ? `${tls.daysLeft} days` : '?'}</Badge>
      {!tls.authorized ? <div className="error-text small">{tls.error ?? 'not trusted'}</div> : <div className="muted small ellipsis">{tls.issuer}</div>}
    </span>
  );
}

function ScanSummary({ scan }: { scan: LinkScan | null }) {
  if (!scan) return <span className="muted">—</span>;
  if (scan.status === 'running')
    return (
      <span>
        <Spinner /> {plural(scan.pages, 'page')}
      </span>
    );
  if (scan.status === 'failed') return <span className="error-text">{scan.error ?? 'failed'}</span>;
  return scan.brokenCount > 0 ? <Badge tone="bad">{plural(scan.brokenCount, 'broken link')}</Badge> : <Badge tone="ok">no broken links</Badge>;
}

interface RowProps {
  domain: DomainStatus;
  onChanged: (domain: DomainStatus) => void;
  onEdit: () => void;
  onDelete: () => void;
  onShowScan: () => void;
}

function DomainRow({ domain, onChanged, onEdit, onDelete, onShowScan }: RowProps) {
  const isAdmin = useIsAdmin();
  const check = useAction();
  const scan = useAction();
  return (
    <tr data-domain={domain.name}>
      <td data-label="Domain">
        <a href={`https://${domain.name}${domain.port !== 443 ? `:${domain.port}` : ''}${domain.path}`} target="_blank" rel="noreferrer noopener" className="strong">
          {domain.name}
        </a>
        {domain.port !== 443 || domain.path !== '/' ? (
          <div className="muted small mono">
            :{domain.port}
            {domain.path}
          </div>
        ) : null}
      </td>
      <td data-label="Status">
        <StatusBadge status={domain.status} />
      </td>
      <td data-label="DNS">
        <Dns dns={domain.dns} />
      </td>
      <td data-label="HTTP">
        <Http http={domain.http} />
      </td>
      <td data-label="Certificate">
        <Tls domain={domain} />
      </td>
      <td data-label="Links">
        {domain.linkScan || domain.lastScan ? (
          <button type="button" className="link" onClick={onShowScan}>
            <ScanSummary scan={domain.lastScan} />
          </button>
        ) : (
          <span className="muted">off</span>
        )}
      </td>
      <td data-label="Checked" className="small muted">
        {check.busy ? <Spinner /> : timeAgo(domain.checkedAt)}
      </td>
      <td data-label="" className="row-actions">
        {isAdmin ? (
          <div className="actions">
            <button
              type="button"
              className="btn btn-small"
              disabled={check.busy}
              onClick={() =>
                void check.run(async () => {
                  const checked = await api.post<DomainStatus>(apiPath('domains', domain.id, 'check'));
                  onChanged(checked);
                  return checked;
                }, (checked) => `${checked.name}: ${checked.status}`)
              }
            >
              Check now
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={scan.busy || domain.lastScan?.status === 'running'}
              onClick={() =>
                void scan.run(async () => {
                  const answer = await api.post<LinkScanStarted>(apiPath('domains', domain.id, 'scan'));
                  onChanged({ ...domain, lastScan: answer.scan });
                  onShowScan();
                  return answer;
                })
              }
            >
              Scan links
            </button>
            <button type="button" className="btn btn-small" onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="btn btn-small btn-danger-outline" onClick={onDelete}>
              Delete
            </button>
          </div>
        ) : null}
      </td>
    </tr>
  );
}

type Open = { kind: 'add' } | { kind: 'edit'; domain: DomainStatus } | { kind: 'delete'; domain: DomainStatus } | { kind: 'scan'; domain: DomainStatus } | null;

export default function DomainsPage() {
  const isAdmin = useIsAdmin();
  const toast = useToast();
  const { data, error, loading, reload, mutate } = useApi<DomainList>('/api/domains', { pollMs: 30_000 });
  const [open, setOpen] = useState<Open>(null);
  const close = useCallback(() => setOpen(null), []);
  const reloadList = useCallback(() => void reload(), [reload]);

  const upsert = (domain: DomainStatus): void =>
    mutate((current) => {
      const domains = current?.domains ?? [];
      return { domains: domains.some((d) => d.id === domain.id) ? domains.map((d) => (d.id === domain.id ? domain : d)) : [...domains, domain] };
    });
  const domains = [...(data?.domains ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <>
      <PageHeader
        title="Domains"
        subtitle={data ? `${data.domains.filter((d) => d.status === 'up').length} of ${data.domains.length} up` : undefined}
        actions={
          isAdmin ? (
            <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'add' })}>
              Add domain
            </button>
          ) : undefined
        }
      />
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what="domains" /> : null}
      {data && domains.length === 0 ? <Empty title="No domains monitored">{isAdmin ? 'Add one to watch its DNS, HTTP answer and certificate expiry.' : null}</Empty> : null}
      {domains.length > 0 ? (
        <div className="card">
          <table className="table responsive">
            <thead>
              <tr>
                <th>Domain</th>
                <th>Status</th>
                <th>DNS</th>
                <th>HTTP</th>
                <th>Certificate</th>
                <th>Links</th>
                <th>Checked</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {domains.map((domain) => (
                <DomainRow
                  key={domain.id}
                  domain={domain}
                  onChanged={upsert}
                  onEdit={() => setOpen({ kind: 'edit', domain })}
                  onDelete={() => setOpen({ kind: 'delete', domain })}
                  onShowScan={() => setOpen({ kind: 'scan', domain })}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {open?.kind === 'add' ? (
        <DomainForm
          onClose={close}
          onSaved={(domain) => {
            upsert(domain);
            toast.success(`Added ${domain.name}: ${domain.status}.`);
          }}
        />
      ) : null}
      {open?.kind === 'edit' ? (
        <DomainForm
          domain={open.domain}
          onClose={close}
          onSaved={(domain) => {
            upsert(domain);
            toast.success(`Saved ${domain.name}.`);
          }}
        />
      ) : null}
      {open?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Stop monitoring ${open.domain.name}?`}
          confirmLabel="Delete"
          danger
          onClose={close}
          onConfirm={async () => {
            await api.delete(apiPath('domains', open.domain.id));
            mutate((current) => current && { domains: current.domains.filter((d) => d.id !== open.domain.id) });
            toast.success(`Deleted ${open.domain.name}.`);
            close();
          }}
        >
          <p>Its check history and link scans are deleted too.</p>
        </ConfirmDialog>
      ) : null}
      {open?.kind === 'scan' ? <LinkScanDialog domainId={open.domain.id} name={open.domain.name} onClose={close} onFinished={reloadList} /> : null}
    </>
  );
}
