import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { Conversation, ConversationList as Conversations, JarvisStatus } from '../api/types';
import { PageHeader } from '../components/page-header';
import { ErrorBanner, Loading } from '../components/states';
import { useAction } from '../lib/use-action';
import { useApi } from '../lib/use-api';
import { ChatPane, type FirstMessageState } from './jarvis/chat-pane';
import { Composer } from './jarvis/composer';
import { ConversationList } from './jarvis/conversation-list';
import { ModelStatusBanner } from './jarvis/model-status';

/** /jarvis without a conversation: the first question starts one. */
function StartPane({ status, onCreated }: { status: JarvisStatus | undefined; onCreated: (conversation: Conversation, firstMessage: string) => void }) {
  const [dryRun, setDryRun] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const start = async (content: string): Promise<boolean> => {
    setError(undefined);
    try {
      onCreated(await api.post<Conversation>('/api/jarvis/conversations', { dryRun }), content);
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    }
  };
  const tools = status?.tools ?? [];
  return (
    <div className={dryRun ? 'chat-pane dry-run' : 'chat-pane'}>
      <header className="chat-header">
        <h2 className="chat-title">New conversation</h2>
        <div className="chat-actions">
          <label className="check dry-run-switch">
            <input type="checkbox" role="switch" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} />
            Dry run
          </label>
        </div>
      </header>
      <div className="chat-log chat-intro">
        <p className="strong">Ask Jarvis about your homelab.</p>
        <p className="muted">
          It answers from live data and acts only through jarvis-guard: commands the policy does not allow outright wait for an admin’s approval right here in the chat.
        </p>
        {tools.length > 0 ? (
          <ul className="chips tool-chips" aria-label="Jarvis’s tools">
            {tools.map((tool) => (
              <li key={tool.name} className="chip" title={tool.description}>
                <code>{tool.name}</code>
                {tool.readOnly ? null : <span className="tone-warn chip-flag">acts</span>}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <ErrorBanner title="Could not start a conversation:" error={error} />
      <Composer onSend={start} onStop={() => undefined} running={false} stopping={false} dryRun={dryRun} autoFocus />
    </div>
  );
}

export default function JarvisPage() {
  const { conversationId } = useParams();
  const navigate = useNavigate();
  const status = useApi<JarvisStatus>('/api/jarvis/status', { pollMs: 30_000 });
  const list = useApi<Conversations>('/api/jarvis/conversations', { pollMs: 20_000 });
  const { run, busy } = useAction();
  const reloadList = list.reload;
  const reloadStatus = status.reload;
  const onChanged = useCallback(() => void reloadList(), [reloadList]);
  const onModelUnavailable = useCallback(() => void reloadStatus(), [reloadStatus]);

  const open = (conversation: Conversation, state?: FirstMessageState): void => {
    list.mutate((current) => current && { conversations: [conversation, ...current.conversations.filter((c) => c.id !== conversation.id)] });
    void navigate(`/jarvis/${encodeURIComponent(conversation.id)}`, state ? { state } : {});
  };
  const model = status.data?.model;

  return (
    <>
      <PageHeader
        title="Jarvis"
        subtitle={
          model ? (
            <span className="jarvis-model">
              Model <code>{model.model}</code> at <span className="mono break">{model.baseUrl}</span>
            </span>
          ) : undefined
        }
        actions={
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(async () => open(await api.post<Conversation>('/api/jarvis/conversations', {})))}>
            New conversation
          </button>
        }
      />
      <ModelStatusBanner status={status.data} />
      {status.error ? <ErrorBanner title="Jarvis’s status:" error={status.error} onRetry={() => void status.reload()} /> : null}
      <div className={conversationId ? 'jarvis has-conversation' : 'jarvis'}>
        <nav className="conversation-list card" aria-label="Conversations">
          <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
          {list.loading && !list.data ? <Loading what="conversations" /> : null}
          {list.data ? <ConversationList conversations={list.data.conversations} /> : null}
        </nav>
        <section className="chat card" aria-label="Conversation">
          {conversationId ? (
            <ChatPane
              key={conversationId}
              conversationId={conversationId}
              onChanged={onChanged}
              onModelUnavailable={onModelUnavailable}
              onDeleted={() => {
                list.mutate((current) => current && { conversations: current.conversations.filter((c) => c.id !== conversationId) });
                void navigate('/jarvis');
                void list.reload();
              }}
            />
          ) : (
            <StartPane status={status.data} onCreated={(conversation, firstMessage) => open(conversation, { firstMessage })} />
          )}
        </section>
      </div>
    </>
  );
}
