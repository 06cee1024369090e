import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { useToast } from '../components/toast';

export interface Action {
  /** Runs `work`; toasts `success` (or the answer's own message) and every error's message. Resolves with the result, or undefined on failure. */
  run: <T>(work: () => Promise<T>, success?: string | ((result: T) => string)) => Promise<T | undefined>;
  busy: boolean;
}

/** One button's worth of async work: busy while it runs, its outcome told in a toast. */
export function useAction(): Action {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(
    async <T,>(work: () => Promise<T>, success?: string | ((result: T) => string)): Promise<T | undefined> => {
      setBusy(true);
      try {
        const result = await work();
        if (success) toast.success(typeof success === 'function' ? success(result) : success);
        return result;
      } catch (error) {
        toast.error(errorMessage(error));
        return undefined;
      } finally {
        if (mounted.current) setBusy(false);
      }
    },
    [toast],
  );
  return { run, busy };
}
