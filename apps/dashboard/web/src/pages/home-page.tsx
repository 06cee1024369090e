import { useMemo, useState } from 'react';
import { api, apiPath, errorMessage } from '../api/client';
import type { HaEntity, HomeAssistantState } from '../api/types';
import { Badge } from '../components/badge';
import { PageHeader } from '../components/page-header';
import { Empty, ErrorBanner, Loading, Spinner } from '../components/states';
import { useToast } from '../components/toast';
import { formatDateTime, plural, timeAgo } from '../lib/format';
import { domainTitle, groupByDomain } from '../lib/home-entities';
import { useApi } from '../lib/use-api';
import { useIsAdmin } from '../session/session';

function stateTone(state: string): 'ok' | 'muted' | 'bad' | 'info' {
  if (state === 'on' || state === 'open' || state === 'home' || state === 'unlocked') return 'ok';
  if (state === 'unavailable' || state === 'unknown') return 'bad';
  if (state === 'off' || state === 'closed' || state === 'not_home' || state === 'locked') return 'muted';
  return 'info';
}

function EntityState({ entity }: { entity: HaEntity }) {
  if (entity.domain === 'scene') return <span className="muted small">{entity.state === 'unknown' ? 'never activated' : `activated ${timeAgo(entity.state)}`}</span>;
  if (entity.unit !== null || entity.domain === 'sensor') {
    return (
      <span className="entity-value">
        {entity.state}
        {entity.unit ? <span className="muted"> {entity.unit}</span> : null}
      </span>
    );
  }
  return <Badge tone={stateTone(entity.state)}>{entity.state.replace(/_/g, ' ')}</Badge>;
}

interface EntityControlProps {
  entity: HaEntity;
  /** Home Assistant is offline: nothing can be changed. */
  offline: boolean;
  onChanged: (entity: HaEntity) => void;
}

function ToggleSwitch({ entity, offline, onChanged }: EntityControlProps) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const on = entity.state === 'on';
  const toggle = async (): Promise<void> => {
    setBusy(true);
    try {
      const changed = await api.post<HaEntity>(apiPath('home-assistant', 'entities', entity.entityId, 'toggle'));
      onChanged(changed);
    } catch (error) {
      toast.error(`${entity.name}: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-label={`${entity.name}: ${on ? 'on' : 'off'}`}
      className={`switch${on ? ' on' : ''}${busy ? ' busy' : ''}`}
      disabled={busy || offline || entity.state === 'unavailable'}
      title={offline ? 'Home Assistant is offline' : on ? 'Turn off' : 'Turn on'}
      onClick={() => void toggle()}
      data-toggle={entity.entityId}
    >
      <span className="switch-knob" aria-hidden="true" />
    </button>
  );
}

function ActivateButton({ entity, offline }: Omit<EntityControlProps, 'onChanged'>) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const activate = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.post(apiPath('home-assistant', 'scenes', entity.entityId, 'activate'));
      toast.success(`Scene “${entity.name}” activated.`);
    } catch (error) {
      toast.error(`${entity.name}: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="btn btn-small" disabled={busy || offline} onClick={() => void activate()} data-activate={entity.entityId}>
      {busy ? <Spinner /> : null}
      Activate
    </button>
  );
}

function EntityRow({ entity, offline, stale, onChanged }: EntityControlProps & { stale: boolean }) {
  const isAdmin = useIsAdmin();
  return (
    <li className={stale ? 'entity stale' : 'entity'} data-entity={entity.entityId}>
      <div className="entity-name">
        <span className="strong">{entity.name}</span>
        <span className="muted small mono entity-id">{entity.entityId}</span>
      </div>
      <div className="entity-state">
        <EntityState entity={entity} />
        {stale ? <Badge tone="warn">stale</Badge> : null}
        <span className="muted small" title={formatDateTime(entity.lastChanged)}>
          {entity.domain === 'scene' ? null : `changed ${timeAgo(entity.lastChanged)}`}
        </span>
      </div>
      {isAdmin && entity.toggleable ? <ToggleSwitch entity={entity} offline={offline} onChanged={onChanged} /> : null}
      {isAdmin && entity.domain === 'scene' ? <ActivateButton entity={entity} offline={offline} /> : null}
    </li>
  );
}

function NotConfigured() {
  return (
    <Empty title="Home Assistant is not set up">
      <p>
        Set <code>HOME_ASSISTANT_URL</code> (e.g. <code>http://homeassistant.local:8123</code>) and <code>HOME_ASSISTANT_TOKEN</code> — a long-lived
        access token made in Home Assistant under your profile → Security — then restart the dashboard.
      </p>
    </Empty>
  );
}

function ConnectionBanner({ state }: { state: HomeAssistantState }) {
  if (state.connected && !state.stale) return null;
  return (
    <div className="banner banner-warn" role="alert" data-ha-offline>
      <div className="banner-text">
        <strong>Home Assistant is offline.</strong>{' '}
        {state.entities.length > 0 ? (
          <>
            Showing the <strong>last known state</strong>
            {state.updatedAt ? (
              <>
                {' '}
                from <time dateTime={state.updatedAt}>{formatDateTime(state.updatedAt)}</time> ({timeAgo(state.updatedAt)})
              </>
            ) : null}
            .{' '}
          </>
        ) : null}
        The dashboard reconnects by itself.
        {state.error ? (
          <>
            {' '}
            <span className="error-message">{state.error}</span>
          </>
        ) : null}
      </div>
    </div>
  );
}

export default function HomePage() {
  const { data, error, loading, reload, mutate } = useApi<HomeAssistantState>('/api/home-assistant', { pollMs: 5000 });
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const shown = (data?.entities ?? []).filter((entity) => !needle || entity.name.toLowerCase().includes(needle) || entity.entityId.includes(needle));
    return groupByDomain(shown);
  }, [data, filter]);
  const onChanged = (changed: HaEntity): void =>
    mutate((current) => current && { ...current, entities: current.entities.map((entity) => (entity.entityId === changed.entityId ? changed : entity)) });
  const offline = data ? !data.connected : true;

  return (
    <>
      <PageHeader
        title="Home Assistant"
        subtitle={
          data?.configured ? (
            <>
              <Badge tone={data.connected ? 'ok' : 'bad'}>
                <span className="dot" aria-hidden="true" />
                {data.connected ? 'connected' : 'offline'}
              </Badge>
              {plural(data.entities.length, 'entity', 'entities')}
              {data.updatedAt ? <span title={formatDateTime(data.updatedAt)}>· updated {timeAgo(data.updatedAt)}</span> : null}
            </>
          ) : undefined
        }
        actions={
          data?.configured && data.entities.length > 0 ? (
            <input type="search" placeholder="Filter by name or id" aria-label="Filter entities" value={filter} onChange={(event) => setFilter(event.target.value)} />
          ) : undefined
        }
      />
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what="Home Assistant" /> : null}
      {data && !data.configured ? <NotConfigured /> : null}
      {data?.configured ? <ConnectionBanner state={data} /> : null}
      {data?.configured && data.connected && data.entities.length === 0 ? <Empty title="Home Assistant reports no entities" /> : null}
      {data?.configured && data.entities.length > 0 && groups.length === 0 ? <Empty title="No entity matches the filter" /> : null}
      <div className="entity-groups">
        {groups.map(([domain, entities]) => (
          <section key={domain} className="card entity-group" aria-label={domainTitle(domain)} data-domain={domain}>
            <h2 className="group-title">
              {domainTitle(domain)} <span className="muted small">{entities.length}</span>
            </h2>
            <ul className="entities">
              {entities.map((entity) => (
                <EntityRow key={entity.entityId} entity={entity} offline={offline} stale={data?.stale ?? false} onChanged={onChanged} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
