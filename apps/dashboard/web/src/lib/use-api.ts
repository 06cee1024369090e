import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client';

export interface ApiState<T> {
  data: T | undefined;
  /** The last failure; the previous data stays shown beside it. */
  error: ApiError | undefined;
  /** True until the first answer (or failure). */
  loading: boolean;
  reload: () => Promise<void>;
  /** Replaces the data locally, e.g. with the answer of a change. */
  mutate: (update: (current: T | undefined) => T | undefined) => void;
}

export interface ApiOptions {
  /** Polls this often while the page is visible. */
  pollMs?: number;
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'CLIENT_ERROR', error instanceof Error ? error.message : String(error));
}

/**
 * GETs `path` (null: nothing) and keeps the answer fresh. Polling pauses while
 * the tab is hidden and resumes with an immediate fetch when it is shown again.
 */
export function useApi<T>(path: string | null, options: ApiOptions = {}): ApiState<T> {
  const { pollMs } = options;
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const generation = useRef(0);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      if (path === null) return;
      const mine = generation.current;
      try {
        const answer = await api.get<T>(path, signal ? { signal } : {});
        if (signal?.aborted || mine !== generation.current) return;
        setData(answer);
        setError(undefined);
      } catch (failure) {
        if (signal?.aborted || mine !== generation.current) return;
        setError(toApiError(failure));
      } finally {
        if (!signal?.aborted && mine === generation.current) setLoading(false);
      }
    },
    [path],
  );

  // a new address starts from nothing; a new polling interval keeps what is shown
  useEffect(() => {
    generation.current += 1;
    setData(undefined);
    setError(undefined);
    setLoading(path !== null);
  }, [path]);

  useEffect(() => {
    if (path === null) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    // one loop only: a tick never overlaps another, and a hidden tab stops the loop until it is shown
    const tick = async (): Promise<void> => {
      clearTimeout(timer);
      if (inFlight) return;
      inFlight = true;
      await load(controller.signal);
      inFlight = false;
      if (pollMs === undefined || controller.signal.aborted) return;
      timer = setTimeout(() => {
        if (!document.hidden) void tick();
      }, pollMs);
    };
    void tick();
    const onVisible = (): void => {
      if (!document.hidden && pollMs !== undefined) void tick();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [path, pollMs, load]);

  const reload = useCallback(() => load(), [load]);
  const mutate = useCallback((update: (current: T | undefined) => T | undefined) => setData(update), []);
  return { data, error, loading, reload, mutate };
}
