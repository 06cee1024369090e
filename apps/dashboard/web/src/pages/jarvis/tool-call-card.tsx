import type { GuardApproval, ToolCall } from '../../api/types';
import { Badge } from '../../components/badge';
import { Spinner } from '../../components/states';
import type { Tone } from '../../lib/format';
import { ApprovalCard } from './approval-card';

const STATUS_TONE: Record<ToolCall['status'], Tone> = { running: 'info', awaiting_approval: 'warn', done: 'ok', failed: 'bad', denied: 'bad' };
const STATUS_WORD: Record<ToolCall['status'], string> = { running: 'running', awaiting_approval: 'awaiting approval', done: 'done', failed: 'failed', denied: 'denied' };

/** `host="local", command="uptime"`: the arguments on one line, long values cut. */
export function argumentsLine(args: unknown, max = 160): string {
  if (args === null || args === undefined) return '';
  const text =
    typeof args === 'object' && !Array.isArray(args)
      ? Object.entries(args as Record<string, unknown>)
          .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
          .join(', ')
      : JSON.stringify(args);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One tool call, compact: its name and arguments, status and summary; the
 * full arguments and result fold out. A command waiting for a human carries
 * its approval card.
 */
export function ToolCallCard({ call, progress, onDecided }: { call: ToolCall; progress: string | undefined; onDecided: (toolCallId: string, answer: GuardApproval) => void }) {
  const hasResult = call.result !== null && call.result !== undefined;
  return (
    <div className={`tool-call tool-${call.status}`} data-tool-call={call.id} data-tool={call.name} data-status={call.status}>
      <div className="tool-head">
        <code className="tool-name">{call.name}</code>
        <span className="tool-args mono small" title={argumentsLine(call.arguments, 4000)}>
          {argumentsLine(call.arguments)}
        </span>
        <Badge tone={STATUS_TONE[call.status]}>
          {call.status === 'running' ? <Spinner /> : null}
          {STATUS_WORD[call.status]}
        </Badge>
      </div>
      {call.status === 'running' && progress ? <div className="tool-progress muted small">{progress}</div> : null}
      {call.summary ? <div className="tool-summary">{call.summary}</div> : null}
      {call.approval ? <ApprovalCard approval={call.approval} onDecided={(answer) => onDecided(call.id, answer)} /> : null}
      {hasResult || call.arguments !== null ? (
        <details className="tool-details">
          <summary>{hasResult ? 'Result and arguments' : 'Arguments'}</summary>
          {hasResult ? (
            <>
              <div className="muted small">Result</div>
              <pre className="code-block tool-result">{json(call.result)}</pre>
            </>
          ) : null}
          <div className="muted small">Arguments</div>
          <pre className="code-block">{json(call.arguments)}</pre>
        </details>
      ) : null}
    </div>
  );
}
