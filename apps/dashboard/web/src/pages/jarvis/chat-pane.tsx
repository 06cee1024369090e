import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, apiPath, errorMessage } from '../../api/client';
import { Badge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Empty, ErrorBanner, Loading, Spinner } from '../../components/states';
import { useToast } from '../../components/toast';
import { turnActive } from '../../lib/chat-turn';
import { ChatMessageView } from './chat-message';
import { Composer } from './composer';
import { useChat } from './use-chat';

/** Router state of a conversation just made from the first message typed on /jarvis. */
export interface FirstMessageState {
  firstMessage: string;
}

function isFirstMessageState(state: unknown): state is FirstMessageState {
  return typeof state === 'object' && state !== null && typeof (state as Record<string, unknown>)['firstMessage'] === 'string';
}

function RenameForm({ title, onSave, onCancel }: { title: string; onSave: (title: string) => Promise<void>; onCancel: () => void }) {
  const [value, setValue] = useState(title);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (value.trim() === '' || busy) return;
    setBusy(true);
    try {
      await onSave(value.trim());
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="rename-form" onSubmit={(event) => void submit(event)} aria-label="Rename conversation">
      <input aria-label="Title" value={value} maxLength={200} autoFocus onChange={(event) => setValue(event.target.value)} onKeyDown={(event) => event.key === 'Escape' && onCancel()} />
      <button type="submit" className="btn btn-small btn-primary" disabled={busy || value.trim() === ''}>
        Save
      </button>
      <button type="button" className="btn btn-small" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** Flips at once; the saved value takes over when the server has answered (the old one again if it refused). */
function DryRunSwitch({ on, onChange }: { on: boolean; onChange: (on: boolean) => Promise<void> }) {
  const [pending, setPending] = useState<boolean | null>(null);
  const shown = pending ?? on;
  const change = (next: boolean): void => {
    setPending(next);
    void onChange(next).finally(() => setPending(null));
  };
  return (
    <label className="check dry-run-switch" title="Commands are sent to the guard as dry runs: it answers with its plan and nothing runs.">
      <input type="checkbox" role="switch" checked={shown} disabled={pending !== null} onChange={(event) => change(event.target.checked)} aria-checked={shown} />
      Dry run
    </label>
  );
}

/**
 * One conversation: its header (title, rename, dry run, delete), the
 * messages (following the bottom unless the reader scrolled up) and the input.
 */
export function ChatPane({ conversationId, onChanged, onDeleted, onModelUnavailable }: { conversationId: string; onChanged: () => void; onDeleted: () => void; onModelUnavailable: () => void }) {
  const chat = useChat(conversationId, onModelUnavailable);
  const toast = useToast();
  const navigate = useNavigate();
  const location = useLocation();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const log = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const { view } = chat;
  const conversation = view?.conversation;
  const running = (conversation ? turnActive(conversation) : false) || chat.streaming;

  // the first message typed before this conversation existed is sent once, then forgotten (a reload must not resend it)
  const firstSent = useRef(false);
  useEffect(() => {
    if (!conversation || firstSent.current || !isFirstMessageState(location.state)) return;
    firstSent.current = true;
    const { firstMessage } = location.state;
    void navigate(location.pathname, { replace: true, state: null });
    if (conversation.messages.length === 0) void chat.send(firstMessage).then(() => onChanged());
  }, [conversation, location, navigate, chat, onChanged]);

  useLayoutEffect(() => {
    const element = log.current;
    if (element && follow.current) element.scrollTop = element.scrollHeight;
  }, [view]);
  const onScroll = (): void => {
    const element = log.current;
    if (element) follow.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
  };

  // a finished turn may have renamed the conversation (its first question) or moved it to the top
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running) onChanged();
    wasRunning.current = running;
  }, [running, onChanged]);

  if (chat.loadError && !view) {
    return (
      <div className="chat-pane">
        <ErrorBanner error={chat.loadError} onRetry={() => void chat.reload()} />
        {chat.loadError.code === 'CONVERSATION_NOT_FOUND' ? (
          <Empty title="This conversation does not exist (any more)">
            <Link to="/jarvis">All conversations</Link>
          </Empty>
        ) : null}
      </div>
    );
  }
  if (!view || !conversation) return <Loading what="the conversation" />;

  const update = async (changes: { title?: string; dryRun?: boolean }, done: string): Promise<void> => {
    try {
      await chat.update(changes);
      toast.success(done);
      onChanged();
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };
  const stop = (): void => {
    chat.stop().catch((error: unknown) => toast.error(errorMessage(error)));
  };

  return (
    <div className={conversation.dryRun ? 'chat-pane dry-run' : 'chat-pane'} data-conversation={conversation.id} data-status={running ? 'running' : 'idle'}>
      <header className="chat-header">
        <Link to="/jarvis" className="chat-back btn btn-ghost btn-small">
          ← Conversations
        </Link>
        {renaming ? (
          <RenameForm
            title={conversation.title}
            onCancel={() => setRenaming(false)}
            onSave={async (title) => {
              await update({ title }, 'Conversation renamed.');
              setRenaming(false);
            }}
          />
        ) : (
          <h2 className="chat-title" title={conversation.title}>
            {conversation.title || 'New conversation'}
          </h2>
        )}
        {conversation.dryRun ? <Badge tone="warn">dry run</Badge> : null}
        {conversation.status === 'awaiting_approval' ? <Badge tone="warn">awaiting approval</Badge> : null}
        {conversation.status === 'running' || chat.streaming ? (
          <Badge tone="info">
            <Spinner /> working
          </Badge>
        ) : null}
        <div className="chat-actions">
          <DryRunSwitch on={conversation.dryRun} onChange={(dryRun) => update({ dryRun }, dryRun ? 'Dry run on: commands are only planned.' : 'Dry run off: approved commands run.')} />
          {!renaming ? (
            <button type="button" className="btn btn-small" onClick={() => setRenaming(true)}>
              Rename
            </button>
          ) : null}
          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      </header>
      {conversation.dryRun ? (
        <div className="banner banner-warn dry-run-banner" role="status">
          <div className="banner-text">
            <strong>Dry run is on.</strong> Jarvis’s commands go to the guard as dry runs: you see the plan, nothing runs.
          </div>
        </div>
      ) : null}
      <div className="chat-log" ref={log} onScroll={onScroll} role="log" aria-live="polite" aria-busy={running} tabIndex={0}>
        {conversation.messages.length === 0 ? (
          <Empty title="Ask Jarvis anything about your homelab">
            It reads host metrics, containers, logs, domains, Home Assistant and your calendar; commands go through jarvis-guard.
          </Empty>
        ) : (
          conversation.messages.map((message) => <ChatMessageView key={message.id} message={message} progress={view.progress} onDecided={chat.decided} />)
        )}
      </div>
      {view.error ? (
        <div className="banner banner-bad chat-turn-error" role="alert">
          <div className="banner-text">
            <strong>{view.error.code === 'MODEL_UNAVAILABLE' ? 'Jarvis could not reach its model.' : 'Jarvis could not answer.'} </strong>
            <span className="error-message">{view.error.message}</span>
            <code className="error-code">{view.error.code}</code>
          </div>
        </div>
      ) : null}
      {chat.loadError ? <ErrorBanner title="Could not refresh the conversation:" error={chat.loadError} onRetry={() => void chat.reload()} /> : null}
      <Composer onSend={chat.send} onStop={stop} running={running} stopping={chat.stopping} dryRun={conversation.dryRun} autoFocus />
      {deleting ? (
        <ConfirmDialog
          title="Delete this conversation?"
          confirmLabel="Delete conversation"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.delete(apiPath('jarvis', 'conversations', conversation.id));
            setDeleting(false);
            toast.success('Conversation deleted.');
            onDeleted();
          }}
        >
          <p>
            <strong>{conversation.title || 'This conversation'}</strong> and all its messages are deleted. The guard’s audit log keeps its commands.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
