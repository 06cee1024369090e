import { NavLink } from 'react-router';
import type { Conversation } from '../../api/types';
import { Badge } from '../../components/badge';
import { Empty } from '../../components/states';
import { formatDateTime, timeAgo } from '../../lib/format';

/** The signed-in user's conversations, newest first; the open one highlighted. */
export function ConversationList({ conversations }: { conversations: Conversation[] }) {
  if (conversations.length === 0) return <Empty title="No conversations yet">Your first question starts one.</Empty>;
  return (
    <ul className="conversation-items">
      {conversations.map((conversation) => (
        <li key={conversation.id}>
          <NavLink to={`/jarvis/${encodeURIComponent(conversation.id)}`} className="conversation-item" data-conversation-link={conversation.id}>
            <span className="conversation-title">{conversation.title || 'New conversation'}</span>
            <span className="conversation-meta small muted">
              <span title={formatDateTime(conversation.updatedAt)}>{timeAgo(conversation.updatedAt)}</span>
              {conversation.dryRun ? <Badge tone="warn">dry run</Badge> : null}
              {conversation.status === 'awaiting_approval' ? <Badge tone="warn">approval</Badge> : null}
              {conversation.status === 'running' ? <Badge tone="info">working</Badge> : null}
            </span>
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
