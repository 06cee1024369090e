import { useState, type FormEvent } from 'react';
import { api, apiPath, ApiError } from '../../api/client';
import type { DomainStatus, NewDomainBody } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { Field, numberOrUndefined } from '../../components/field';
import { ErrorBanner, Spinner } from '../../components/states';
import { parseDomainInput } from '../../lib/domain-name';

function fieldOf(error: ApiError | undefined): string | null {
  const field = error?.details?.['field'] ?? error?.details?.['path'];
  return typeof field === 'string' ? field : null;
}

/** Adds (no `domain`) or edits a monitored domain; the server checks it at once, which can take a few seconds. */
export function DomainForm({ domain, onClose, onSaved }: { domain?: DomainStatus; onClose: () => void; onSaved: (domain: DomainStatus) => void }) {
  const [name, setName] = useState(domain?.name ?? '');
  const [port, setPort] = useState(domain ? String(domain.port) : '');
  const [path, setPath] = useState(domain?.path ?? '');
  const [warnDays, setWarnDays] = useState(domain ? String(domain.warnDays) : '');
  const [criticalDays, setCriticalDays] = useState(domain ? String(domain.criticalDays) : '');
  const [linkScan, setLinkScan] = useState(domain?.linkScan ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    const typed = parseDomainInput(name);
    const body: NewDomainBody = { name: typed.name, linkScan };
    // "example.com:8443" pasted into the name fills an empty port
    const numbers = { port: numberOrUndefined(port) ?? typed.port ?? undefined, warnDays: numberOrUndefined(warnDays), criticalDays: numberOrUndefined(criticalDays) };
    for (const [key, value] of Object.entries(numbers)) if (value !== undefined) Object.assign(body, { [key]: value });
    if (path.trim()) body.path = path.trim().startsWith('/') ? path.trim() : `/${path.trim()}`;
    if (domain) {
      // send only what changed: an unchanged threshold shown from the defaults must not become an override
      for (const key of Object.keys(body) as (keyof NewDomainBody)[]) if (body[key] === domain[key]) delete body[key];
      if (Object.keys(body).length === 0) {
        onClose();
        return;
      }
    }
    setBusy(true);
    setError(undefined);
    try {
      const saved = domain ? await api.patch<DomainStatus>(apiPath('domains', domain.id), body) : await api.post<DomainStatus>('/api/domains', body);
      onSaved(saved);
      onClose();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure)));
      setBusy(false);
    }
  };

  const bad = fieldOf(error);
  const errorFor = (field: string): string | null => (bad === field && error ? error.message : null);
  return (
    <Dialog title={domain ? `Edit ${domain.name}` : 'Add a domain'} onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)} aria-label={domain ? 'Edit domain' : 'Add domain'}>
        <Field label="Domain" hint="A host name, e.g. shop.example.com" error={errorFor('name')}>
          <input name="name" required autoFocus={!domain} spellCheck={false} autoCapitalize="none" placeholder="example.com" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <div className="form-row">
          <Field label="Port" hint="Default 443" error={errorFor('port')}>
            <input name="port" type="number" min={1} max={65535} inputMode="numeric" placeholder="443" value={port} onChange={(e) => setPort(e.target.value)} />
          </Field>
          <Field label="Path" hint="Default /" error={errorFor('path')}>
            <input name="path" spellCheck={false} placeholder="/" value={path} onChange={(e) => setPath(e.target.value)} />
          </Field>
        </div>
        <div className="form-row">
          <Field label="Warn days before expiry" hint="Default TLS_WARN_DAYS" error={errorFor('warnDays')}>
            <input name="warnDays" type="number" min={1} max={365} inputMode="numeric" placeholder="21" value={warnDays} onChange={(e) => setWarnDays(e.target.value)} />
          </Field>
          <Field label="Critical days" hint="Default TLS_CRITICAL_DAYS" error={errorFor('criticalDays')}>
            <input name="criticalDays" type="number" min={1} max={365} inputMode="numeric" placeholder="7" value={criticalDays} onChange={(e) => setCriticalDays(e.target.value)} />
          </Field>
        </div>
        <label className="check">
          <input type="checkbox" name="linkScan" checked={linkScan} onChange={(e) => setLinkScan(e.target.checked)} />
          Scan the site for broken links (static sites)
        </label>
        {error && !bad ? <ErrorBanner error={error} /> : null}
        {busy ? (
          <p className="muted small" role="status">
            <Spinner /> {domain ? 'Saving' : 'Adding'} and checking DNS, HTTP and TLS…
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? <Spinner /> : null}
            {domain ? 'Save' : 'Add domain'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
