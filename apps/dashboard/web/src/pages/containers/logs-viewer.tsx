import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { apiPath } from '../../api/client';
import { useEventStream, type StreamState } from '../../api/event-stream';
import type { LogLine } from '../../api/types';
import { Spinner } from '../../components/states';
import { formatTime } from '../../lib/format';

const MAX_LINES = 5000;
const TAILS = [100, 200, 1000, 5000] as const;

function StreamStatus({ state, held }: { state: StreamState; held: number }) {
  if (held > 0) return <span className="badge tone-warn">Paused · {held} new line(s) held</span>;
  switch (state.kind) {
    case 'connecting':
      return (
        <span className="badge tone-muted">
          <Spinner /> Connecting…
        </span>
      );
    case 'open':
      return <span className="badge tone-ok live">Live</span>;
    case 'reconnecting':
      return (
        <span className="badge tone-warn">
          <Spinner /> Reconnecting…
        </span>
      );
    case 'ended':
      return state.error ? (
        <span className="badge tone-bad" role="alert">
          {state.error.message}
        </span>
      ) : (
        <span className="badge tone-muted">Stream ended</span>
      );
    case 'failed':
      return (
        <span className="badge tone-bad" role="alert">
          {state.message}
        </span>
      );
  }
}

function toLogLine(data: unknown): LogLine | null {
  if (typeof data !== 'object' || data === null) return null;
  const { stream, line, time } = data as Partial<LogLine>;
  if (typeof line !== 'string') return null;
  return { stream: stream === 'stderr' ? 'stderr' : 'stdout', line, time: typeof time === 'string' ? time : null };
}

/**
 * A container's log, live over EventSource. Pause holds new lines back
 * (nothing is lost); Follow keeps the view at the bottom.
 */
export function LogsViewer({ host, id }: { host: string; id: string }) {
  const [tail, setTail] = useState<number>(200);
  const [session, setSession] = useState(0);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [follow, setFollow] = useState(true);
  const [wrap, setWrap] = useState(true);
  const [filter, setFilter] = useState('');
  const [held, setHeld] = useState(0);
  const incoming = useRef<LogLine[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const flushTimer = useRef<number | undefined>(undefined);
  const view = useRef<HTMLDivElement>(null);

  const flush = useCallback(() => {
    flushTimer.current = undefined;
    if (pausedRef.current) {
      setHeld(incoming.current.length);
      return;
    }
    const batch = incoming.current;
    incoming.current = [];
    setHeld(0);
    if (batch.length > 0) setLines((current) => [...current, ...batch].slice(-MAX_LINES));
  }, []);

  // lines arrive in bursts: render at most ~10 times a second
  const onLog = useCallback(
    (data: unknown) => {
      const line = toLogLine(data);
      if (!line) return;
      incoming.current.push(line);
      if (incoming.current.length > MAX_LINES) incoming.current.splice(0, incoming.current.length - MAX_LINES);
      flushTimer.current ??= window.setTimeout(flush, 100);
    },
    [flush],
  );

  useEffect(() => () => clearTimeout(flushTimer.current), []);
  useEffect(() => {
    if (!paused) flush();
  }, [paused, flush]);

  const url = `${apiPath('containers', host, id, 'logs')}?tail=${tail}&follow=true&timestamps=true`;
  // a reconnection replays the tail: start over rather than show lines twice
  const onOpen = useCallback(() => {
    incoming.current = [];
    setLines([]);
    setHeld(0);
  }, []);
  const handlers = useMemo(() => ({ open: onOpen, log: onLog, end: () => flush() }), [onOpen, onLog, flush]);
  const state = useEventStream(url, handlers, session);

  const restart = (nextTail = tail): void => {
    incoming.current = [];
    setLines([]);
    setHeld(0);
    setTail(nextTail);
    setSession((value) => value + 1);
  };

  const shown = useMemo(() => {
    if (!filter) return lines;
    const needle = filter.toLowerCase();
    return lines.filter((line) => line.line.toLowerCase().includes(needle));
  }, [lines, filter]);

  useLayoutEffect(() => {
    const element = view.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  }, [shown, follow]);

  const onScroll = (): void => {
    const element = view.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
    if (atBottom !== follow) setFollow(atBottom);
  };

  return (
    <div className="logs">
      <div className="toolbar logs-toolbar">
        <StreamStatus state={state} held={held} />
        <button type="button" className="btn btn-small" onClick={() => setPaused((value) => !value)} aria-pressed={paused} data-logs-pause>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label className="check">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap
        </label>
        <input type="search" placeholder="Filter lines" aria-label="Filter log lines" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <select aria-label="Lines to load" value={tail} onChange={(e) => restart(Number(e.target.value))}>
          {TAILS.map((n) => (
            <option key={n} value={n}>
              last {n}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-small" onClick={() => restart()}>
          Reload
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setLines([])}>
          Clear
        </button>
      </div>
      <div ref={view} className={wrap ? 'log-view wrap' : 'log-view'} onScroll={onScroll} role="log" aria-live="off" tabIndex={0}>
        {shown.length === 0 ? (
          <div className="muted log-empty">{state.kind === 'connecting' ? 'Waiting for the first lines…' : filter ? 'No line matches the filter.' : 'No log lines.'}</div>
        ) : (
          shown.map((line, index) => (
            <div key={index} className={line.stream === 'stderr' ? 'log-line stderr' : 'log-line'}>
              {line.time ? <span className="log-time">{formatTime(line.time)}</span> : null}
              <span className="log-text">{line.line}</span>
            </div>
          ))
        )}
      </div>
    </div>
  );
}
