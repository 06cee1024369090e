import { useEffect, useState, type FormEvent } from 'react';
import { api, apiPath } from '../../api/client';
import type { GuardApproval, ToolApproval } from '../../api/types';
import { Badge } from '../../components/badge';
import { ErrorBanner, Spinner } from '../../components/states';
import { formatCountdown, formatDateTime } from '../../lib/format';
import { useIsAdmin } from '../../session/session';

/** Seconds left until `iso`, ticking every second while it is in the future. */
function useSecondsLeft(iso: string, active: boolean): number {
  const until = Date.parse(iso);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return Number.isNaN(until) ? 0 : Math.max(0, Math.round((until - now) / 1000));
}

const DECISION_TONE = { pending: 'warn', approved: 'ok', denied: 'bad', expired: 'muted' } as const;

function DecisionForm({ approval, onDecided }: { approval: ToolApproval; onDecided: (answer: GuardApproval) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const decide = async (verb: 'approve' | 'deny'): Promise<void> => {
    if (reason.trim() === '' || busy) return;
    setBusy(verb);
    setError(undefined);
    try {
      onDecided(await api.post<GuardApproval>(apiPath('jarvis', 'approvals', approval.approvalId, verb), { reason: reason.trim() }));
    } catch (failure) {
      setError(failure);
      setBusy(null);
    }
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void decide('approve');
  };
  const missing = reason.trim() === '';
  return (
    <form className="approval-form" onSubmit={submit} aria-label="Decide on this command">
      <label className="field">
        <span className="field-label">Reason (required, goes into the audit log)</span>
        <input name="reason" value={reason} maxLength={1000} autoComplete="off" onChange={(event) => setReason(event.target.value)} placeholder="e.g. checked, safe to run now" />
      </label>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <button type="button" className="btn btn-danger-outline" disabled={missing || busy !== null} onClick={() => void decide('deny')}>
          {busy === 'deny' ? <Spinner /> : null}
          Deny
        </button>
        <button type="submit" className="btn btn-primary" disabled={missing || busy !== null}>
          {busy === 'approve' ? <Spinner /> : null}
          Approve
        </button>
      </div>
    </form>
  );
}

/**
 * A command that waits for a human, inline in the chat: the command as the
 * guard displays it (control and look-alike characters escaped), where it
 * would run, the rule and why. Admins decide with a reason; viewers wait.
 */
export function ApprovalCard({ approval, onDecided }: { approval: ToolApproval; onDecided: (answer: GuardApproval) => void }) {
  const isAdmin = useIsAdmin();
  const pending = approval.decision === 'pending';
  const secondsLeft = useSecondsLeft(approval.expiresAt, pending);
  const expired = pending && secondsLeft === 0;
  const decision = expired ? 'expired' : approval.decision;
  return (
    <section className={`approval-card approval-${decision}`} aria-label="Approval needed" data-approval={approval.approvalId}>
      <header className="approval-head">
        <strong>{pending && !expired ? 'This command needs an approval' : 'Approval'}</strong>
        <Badge tone={DECISION_TONE[decision]}>{decision}</Badge>
        {pending && !expired ? (
          <span className="approval-countdown muted small" title={`expires ${formatDateTime(approval.expiresAt)}`}>
            expires in <span className="mono">{formatCountdown(secondsLeft)}</span>
          </span>
        ) : null}
      </header>
      <pre className="code-block approval-command" aria-label="Command">
        {approval.displayCommand}
      </pre>
      <dl className="kv approval-facts">
        <div className="kv-row">
          <dt>Host</dt>
          <dd className="mono">{approval.host}</dd>
        </div>
        <div className="kv-row">
          <dt>Rule</dt>
          <dd className="mono">{approval.rule}</dd>
        </div>
        <div className="kv-row">
          <dt>Why</dt>
          <dd>{approval.reason}</dd>
        </div>
        {approval.decidedBy ? (
          <div className="kv-row">
            <dt>Decided by</dt>
            <dd>{approval.decidedBy}</dd>
          </div>
        ) : null}
      </dl>
      {pending && !expired ? (
        isAdmin ? (
          <DecisionForm approval={approval} onDecided={onDecided} />
        ) : (
          <p className="muted approval-waiting">
            <Spinner /> Waiting for an admin to approve or deny it.
          </p>
        )
      ) : null}
      {expired ? <p className="muted small">Nobody decided in time: the command does not run.</p> : null}
    </section>
  );
}
