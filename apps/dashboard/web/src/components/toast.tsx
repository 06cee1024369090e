import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

interface Toast {
  id: number;
  tone: 'ok' | 'bad' | 'info';
  message: string;
}

interface Toaster {
  success: (message: string) => void;
  error: (message: string) => void;
  info: (message: string) => void;
}

const ToastContext = createContext<Toaster | null>(null);
const SUCCESS_MS = 5000;

/** Results of actions: successes fade, errors stay until dismissed. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const push = useCallback(
    (tone: Toast['tone'], message: string) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-4), { id, tone, message }]);
      if (tone !== 'bad') setTimeout(() => dismiss(id), SUCCESS_MS);
    },
    [dismiss],
  );
  const toaster = useMemo<Toaster>(
    () => ({ success: (m) => push('ok', m), error: (m) => push('bad', m), info: (m) => push('info', m) }),
    [push],
  );

  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast tone-${toast.tone}`} role={toast.tone === 'bad' ? 'alert' : 'status'}>
            <span className="toast-message">{toast.message}</span>
            <button type="button" className="btn btn-ghost btn-small" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Toaster {
  const toaster = useContext(ToastContext);
  if (!toaster) throw new Error('useToast() outside <ToastProvider>');
  return toaster;
}
