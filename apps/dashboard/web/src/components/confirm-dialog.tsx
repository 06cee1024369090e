import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../api/client';
import { Dialog } from './dialog';
import { ErrorBanner, Spinner } from './states';

export interface ConfirmDialogProps {
  title: string;
  /** What happens, in words. */
  children: ReactNode;
  confirmLabel: string;
  /** The operator must type this (a container's or database's name) to go on. */
  typeToConfirm?: string;
  danger?: boolean;
  /** Rejecting keeps the dialog open with the error's message. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before something destructive; with `typeToConfirm`, only the exact name unlocks the button. */
export function ConfirmDialog({ title, children, confirmLabel, typeToConfirm, danger, onConfirm, onClose }: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const unlocked = typeToConfirm === undefined || typed === typeToConfirm;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!unlocked || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(errorMessage(failure)));
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <div className="dialog-text">{children}</div>
        {typeToConfirm !== undefined ? (
          <label className="field">
            <span className="field-label">
              Type <code>{typeToConfirm}</code> to confirm
            </span>
            <input
              name="confirm"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />
          </label>
        ) : null}
        <ErrorBanner error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={!unlocked || busy}>
            {busy ? <Spinner /> : null}
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
