import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { PasswordChangeBody } from '../api/types';
import { Dialog } from './dialog';
import { Field } from './field';
import { ErrorBanner, Spinner } from './states';
import { useToast } from './toast';

const MIN_PASSWORD = 12;

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const mismatch = repeat !== '' && repeat !== next ? 'The two new passwords differ.' : null;
  const tooShort = next !== '' && next.length < MIN_PASSWORD ? `At least ${MIN_PASSWORD} characters.` : null;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (mismatch || tooShort || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/api/auth/password', { currentPassword: current, newPassword: next } satisfies PasswordChangeBody);
      toast.success('Password changed. Your other sessions were signed out.');
      onClose();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure)));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Change password" onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <Field label="Current password">
          <input type="password" name="currentPassword" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </Field>
        <Field label="New password" hint={`At least ${MIN_PASSWORD} characters; not a common password.`} error={tooShort}>
          <input type="password" name="newPassword" autoComplete="new-password" required minLength={MIN_PASSWORD} value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <Field label="Repeat new password" error={mismatch}>
          <input type="password" name="repeatPassword" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </Field>
        <ErrorBanner error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !!mismatch || !!tooShort}>
            {busy ? <Spinner /> : null}
            Change password
          </button>
        </div>
      </form>
    </Dialog>
  );
}
