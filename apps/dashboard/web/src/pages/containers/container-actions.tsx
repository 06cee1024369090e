import { useState } from 'react';
import { api, apiPath, ApiError } from '../../api/client';
import type { Container, ContainerActionResult, RemoveContainerBody } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Spinner } from '../../components/states';
import { useToast } from '../../components/toast';
import { useIsAdmin } from '../../session/session';

type Verb = 'start' | 'stop' | 'restart';

const PAST: Record<Verb, string> = { start: 'Started', stop: 'Stopped', restart: 'Restarted' };
const PROGRESSIVE: Record<Verb, string> = { start: 'Starting', stop: 'Stopping', restart: 'Restarting' };

export interface ContainerActionsProps {
  container: Container;
  /** The container as the server answered after the action. */
  onChanged: (container: Container) => void;
  /** It was removed, or had vanished (404). */
  onGone: (container: Container) => void;
  compact?: boolean;
}

/** Start / stop / restart / remove, for admins only; the outcome is told in a toast. */
export function ContainerActions({ container, onChanged, onGone, compact }: ContainerActionsProps) {
  const isAdmin = useIsAdmin();
  const toast = useToast();
  const [busy, setBusy] = useState<Verb | null>(null);
  const [removing, setRemoving] = useState(false);
  if (!isAdmin) return null;

  const act = async (verb: Verb): Promise<void> => {
    setBusy(verb);
    try {
      const answer = await api.post<ContainerActionResult>(apiPath('containers', container.host, container.id, verb));
      onChanged(answer.container);
      toast.success(`${PAST[verb]} ${container.name}.`);
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error));
      if (error instanceof ApiError && error.code === 'CONTAINER_NOT_FOUND') onGone(container);
    } finally {
      setBusy(null);
    }
  };

  const running = container.state === 'running' || container.state === 'restarting' || container.state === 'paused';
  const size = compact ? 'btn btn-small' : 'btn';
  const verbs: Verb[] = running ? ['restart', 'stop'] : ['start'];
  return (
    <div className="actions" aria-label={`Actions for ${container.name}`}>
      {verbs.map((verb) => (
        <button key={verb} type="button" className={size} disabled={busy !== null} onClick={() => void act(verb)} data-action={verb}>
          {busy === verb ? (
            <>
              <Spinner /> {PROGRESSIVE[verb]}…
            </>
          ) : (
            verb[0]?.toUpperCase() + verb.slice(1)
          )}
        </button>
      ))}
      <button type="button" className={`${size} btn-danger-outline`} disabled={busy !== null} onClick={() => setRemoving(true)} data-action="remove">
        Remove
      </button>
      {removing ? <RemoveDialog container={container} onClose={() => setRemoving(false)} onRemoved={() => onGone(container)} /> : null}
    </div>
  );
}

function RemoveDialog({ container, onClose, onRemoved }: { container: Container; onClose: () => void; onRemoved: () => void }) {
  const toast = useToast();
  const running = container.state === 'running' || container.state === 'restarting' || container.state === 'paused';
  const [force, setForce] = useState(running);
  const [removeVolumes, setRemoveVolumes] = useState(false);
  return (
    <ConfirmDialog
      title={`Remove ${container.name}?`}
      confirmLabel="Remove container"
      typeToConfirm={container.name}
      danger
      onClose={onClose}
      onConfirm={async () => {
        await api.delete(apiPath('containers', container.host, container.id), { confirm: container.name, force, removeVolumes } satisfies RemoveContainerBody);
        toast.success(`Removed ${container.name}.`);
        onClose();
        onRemoved();
      }}
    >
      <p>
        The container <strong>{container.name}</strong> on <strong>{container.host}</strong> is deleted. Its image stays.
      </p>
      <label className="check">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
        Force (stop it first if it is running)
      </label>
      <label className="check">
        <input type="checkbox" checked={removeVolumes} onChange={(e) => setRemoveVolumes(e.target.checked)} />
        Also remove its anonymous volumes (their data is lost)
      </label>
    </ConfirmDialog>
  );
}
