import type { ChatMessage, GuardApproval } from '../../api/types';
import { Badge } from '../../components/badge';
import { formatDateTime, formatTime } from '../../lib/format';
import { ToolCallCard } from './tool-call-card';

const ENDINGS: Partial<Record<ChatMessage['status'], { tone: 'muted' | 'bad'; word: string }>> = {
  stopped: { tone: 'muted', word: 'stopped' },
  failed: { tone: 'bad', word: 'failed' },
};

/**
 * One message of the conversation. The assistant's text is shown as plain
 * text (whitespace kept): nothing the model writes becomes markup.
 */
export function ChatMessageView({ message, progress, onDecided }: { message: ChatMessage; progress: Record<string, string>; onDecided: (toolCallId: string, answer: GuardApproval) => void }) {
  const ending = ENDINGS[message.status];
  const streaming = message.status === 'streaming';
  const empty = message.content === '' && message.toolCalls.length === 0;
  return (
    <article className={`chat-message chat-${message.role}`} data-message={message.id} data-role={message.role} data-status={message.status} aria-label={message.role === 'user' ? 'You' : 'Jarvis'}>
      <header className="chat-meta small muted">
        <span className="chat-author">{message.role === 'user' ? 'You' : 'Jarvis'}</span>
        <time dateTime={message.createdAt} title={formatDateTime(message.createdAt)}>
          {formatTime(message.createdAt)}
        </time>
        {ending ? <Badge tone={ending.tone}>{ending.word}</Badge> : null}
      </header>
      {message.content !== '' ? (
        <div className={streaming ? 'chat-text streaming' : 'chat-text'}>
          {message.content}
          {streaming ? <span className="caret" aria-hidden="true" /> : null}
        </div>
      ) : null}
      {streaming && empty ? (
        <div className="chat-thinking muted">
          Thinking… <span className="caret" aria-hidden="true" />
        </div>
      ) : null}
      {message.toolCalls.length > 0 ? (
        <div className="tool-calls">
          {message.toolCalls.map((call) => (
            <ToolCallCard key={call.id} call={call} progress={progress[call.id]} onDecided={onDecided} />
          ))}
        </div>
      ) : null}
      {message.error ? (
        <p className="chat-error error-text" role="alert">
          {message.error}
        </p>
      ) : null}
    </article>
  );
}
