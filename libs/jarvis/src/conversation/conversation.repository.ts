import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@homelab/database';
import type {
  ChatMessage,
  ChatMessageStatus,
  Conversation,
  ConversationDetail,
  ConversationStatus,
  ToolApproval,
  ToolCall,
  ToolCallStatus,
} from '@homelab/dashboard-api';

export const DEFAULT_TITLE = 'New conversation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that cannot be a row's (not a UUID) is simply not found; PostgreSQL would refuse it. */
export const isRowId = (id: string): boolean => UUID.test(id);

interface ConversationRow {
  id: string;
  title: string;
  dry_run: boolean;
  trace_id: string;
  status: ConversationStatus;
  live: boolean;
  created_at: Date;
  updated_at: Date;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  position: number;
  role: 'user' | 'assistant';
  content: string;
  status: ChatMessageStatus;
  error: string | null;
  created_at: Date;
}

interface ToolCallRow {
  id: string;
  message_id: string;
  model_call_id: string;
  name: string;
  arguments: unknown;
  status: ToolCallStatus;
  summary: string | null;
  result: unknown;
  approval: ToolApproval | null;
}

/** A stored message with what the model needs to see it again (its tool calls' own ids). */
export interface StoredMessage extends ChatMessage {
  toolCalls: StoredToolCall[];
}

export interface StoredToolCall extends ToolCall {
  modelCallId: string;
}

/** What a turn needs of its conversation once it holds it. */
export interface ClaimedConversation {
  conversation: Conversation;
  nextPosition: number;
}

export type ToolCallUpdate = Pick<ToolCall, 'status' | 'summary' | 'result' | 'approval'>;

const CONVERSATION_COLUMNS = (staleMs: number): string => `
  id, title, dry_run, trace_id, created_at, updated_at,
  (status <> 'idle' AND turn_seen_at IS NOT NULL AND turn_seen_at >= now() - interval '1 millisecond' * ${Math.round(staleMs)}) AS live,
  status`;

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    dryRun: row.dry_run,
    traceId: row.trace_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    // a turn whose replica stopped refreshing it is over
    status: row.live ? row.status : 'idle',
  };
}

function toToolCall(row: ToolCallRow): StoredToolCall {
  return {
    id: row.id,
    name: row.name,
    arguments: row.arguments,
    status: row.status,
    summary: row.summary,
    result: row.result,
    approval: row.approval,
    modelCallId: row.model_call_id,
  };
}

function toMessage(row: MessageRow, toolCalls: StoredToolCall[]): StoredMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    createdAt: row.created_at.toISOString(),
    status: row.status,
    error: row.error,
    toolCalls,
  };
}

/** `json`/`jsonb` parameters: pg sends JS values as-is, so JSON text must be made here. */
const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/**
 * Conversations, messages and tool calls in PostgreSQL (tables of the
 * dashboard's migration 20261203000000_jarvis). Every read and change of a
 * conversation names its owner, so another user's conversation is simply
 * not found. A turn holds its conversation through `turn_instance`, kept
 * fresh by heartbeats; one that stopped being refreshed for `staleMs` is
 * over and the next turn may take the conversation.
 */
export class ConversationRepository {
  constructor(
    private readonly pool: Pool,
    private readonly staleMs = 30_000,
  ) {}

  async create(userId: string, input: { title?: string | undefined; dryRun?: boolean | undefined }, traceId: string): Promise<Conversation> {
    const { rows } = await this.pool.query<ConversationRow>(
      `INSERT INTO jarvis_conversation (user_id, title, dry_run, trace_id) VALUES ($1, $2, $3, $4) RETURNING ${CONVERSATION_COLUMNS(this.staleMs)}`,
      [userId, input.title ?? DEFAULT_TITLE, input.dryRun ?? false, traceId],
    );
    return toConversation(rows[0] as ConversationRow);
  }

  async list(userId: string, limit = 500): Promise<Conversation[]> {
    const { rows } = await this.pool.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS(this.staleMs)} FROM jarvis_conversation WHERE user_id = $1 ORDER BY updated_at DESC, id LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toConversation);
  }

  async get(userId: string, id: string): Promise<Conversation | undefined> {
    if (!isRowId(id)) return undefined;
    const { rows } = await this.pool.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS(this.staleMs)} FROM jarvis_conversation WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return rows[0] ? toConversation(rows[0]) : undefined;
  }

  async detail(userId: string, id: string): Promise<ConversationDetail | undefined> {
    const conversation = await this.get(userId, id);
    if (!conversation) return undefined;
    const messages = await this.messages(id);
    return { ...conversation, messages: messages.map(({ toolCalls, ...message }) => ({ ...message, toolCalls: toolCalls.map(publicToolCall) })) };
  }

  async update(userId: string, id: string, patch: { title?: string | undefined; dryRun?: boolean | undefined }): Promise<Conversation | undefined> {
    if (!isRowId(id)) return undefined;
    const { rows } = await this.pool.query<ConversationRow>(
      `UPDATE jarvis_conversation SET title = coalesce($3, title), dry_run = coalesce($4, dry_run), updated_at = now()
        WHERE id = $1 AND user_id = $2 RETURNING ${CONVERSATION_COLUMNS(this.staleMs)}`,
      [id, userId, patch.title ?? null, patch.dryRun ?? null],
    );
    return rows[0] ? toConversation(rows[0]) : undefined;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    if (!isRowId(id)) return false;
    const result = await this.pool.query('DELETE FROM jarvis_conversation WHERE id = $1 AND user_id = $2', [id, userId]);
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Takes the conversation for a turn on this replica: only when no live
   * turn holds it. What a dead turn left half-done is marked as interrupted.
   * Undefined when the conversation is not the user's; 'busy' when a turn runs.
   */
  async claim(userId: string, id: string, instance: string): Promise<ClaimedConversation | 'busy' | undefined> {
    if (!isRowId(id)) return undefined;
    return this.transaction(async (client) => {
      const { rows } = await client.query<ConversationRow>(
        `UPDATE jarvis_conversation SET status = 'running', turn_instance = $3, turn_seen_at = now(), stop_requested = false, updated_at = now()
          WHERE id = $1 AND user_id = $2
            AND (status = 'idle' OR turn_seen_at IS NULL OR turn_seen_at < now() - interval '1 millisecond' * $4)
          RETURNING ${CONVERSATION_COLUMNS(this.staleMs)}`,
        [id, userId, instance, this.staleMs],
      );
      const row = rows[0];
      if (!row) {
        const exists = await client.query('SELECT 1 FROM jarvis_conversation WHERE id = $1 AND user_id = $2', [id, userId]);
        return (exists.rowCount ?? 0) > 0 ? 'busy' : undefined;
      }
      const interrupted = 'Interrupted: the dashboard replica running this turn stopped';
      await client.query(
        `UPDATE jarvis_tool_call SET status = 'failed', summary = $2, finished_at = now()
          WHERE status IN ('running', 'awaiting_approval') AND message_id IN (SELECT id FROM jarvis_message WHERE conversation_id = $1)`,
        [id, interrupted],
      );
      await client.query(`UPDATE jarvis_message SET status = 'failed', error = $2 WHERE conversation_id = $1 AND status = 'streaming'`, [id, interrupted]);
      const next = await client.query<{ next: number }>('SELECT coalesce(max(position), -1) + 1 AS next FROM jarvis_message WHERE conversation_id = $1', [id]);
      return { conversation: toConversation(row), nextPosition: next.rows[0]?.next ?? 0 };
    });
  }

  /** Keeps the turn's hold fresh; says whether a stop was asked for, or the hold is gone (deleted, taken over). */
  async heartbeat(id: string, instance: string): Promise<{ held: boolean; stopRequested: boolean }> {
    const { rows } = await this.pool.query<{ stop_requested: boolean }>(
      'UPDATE jarvis_conversation SET turn_seen_at = now() WHERE id = $1 AND turn_instance = $2 RETURNING stop_requested',
      [id, instance],
    );
    return { held: rows.length > 0, stopRequested: rows[0]?.stop_requested ?? false };
  }

  async setTurnStatus(id: string, instance: string, status: Exclude<ConversationStatus, 'idle'>): Promise<void> {
    await this.pool.query('UPDATE jarvis_conversation SET status = $3, turn_seen_at = now() WHERE id = $1 AND turn_instance = $2', [id, instance, status]);
  }

  async release(id: string, instance: string): Promise<void> {
    await this.pool.query(
      `UPDATE jarvis_conversation SET status = 'idle', turn_instance = NULL, turn_seen_at = NULL, stop_requested = false, updated_at = now()
        WHERE id = $1 AND turn_instance = $2`,
      [id, instance],
    );
  }

  /** Asks the replica running the conversation's turn to stop it (it polls this flag). */
  async requestStop(userId: string, id: string): Promise<boolean> {
    if (!isRowId(id)) return false;
    const result = await this.pool.query(
      `UPDATE jarvis_conversation SET stop_requested = (status <> 'idle') WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Names an untitled conversation after its first question. */
  async titleFromFirstMessage(id: string, content: string): Promise<void> {
    const line = content.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
    if (line === '') return;
    const title = line.length > 60 ? `${line.slice(0, 59)}…` : line;
    await this.pool.query('UPDATE jarvis_conversation SET title = $3 WHERE id = $1 AND title = $2', [id, DEFAULT_TITLE, title]);
  }

  async addMessage(conversationId: string, position: number, message: { role: 'user' | 'assistant'; content: string; status: ChatMessageStatus }): Promise<StoredMessage> {
    const { rows } = await this.pool.query<MessageRow>(
      `INSERT INTO jarvis_message (conversation_id, position, role, content, status) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [conversationId, position, message.role, message.content, message.status],
    );
    return toMessage(rows[0] as MessageRow, []);
  }

  async updateMessage(id: string, change: { content?: string; status?: ChatMessageStatus; error?: string | null }): Promise<void> {
    await this.pool.query(
      `UPDATE jarvis_message SET content = coalesce($2, content), status = coalesce($3, status),
              error = CASE WHEN $4::boolean THEN $5 ELSE error END WHERE id = $1`,
      [id, change.content ?? null, change.status ?? null, change.error !== undefined, change.error ?? null],
    );
  }

  async addToolCall(messageId: string, position: number, call: { modelCallId: string; name: string; arguments: unknown }): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO jarvis_tool_call (message_id, position, model_call_id, name, arguments, status) VALUES ($1, $2, $3, $4, $5::jsonb, 'running') RETURNING id`,
      [messageId, position, call.modelCallId, call.name, json(call.arguments)],
    );
    return (rows[0] as { id: string }).id;
  }

  async updateToolCall(id: string, change: ToolCallUpdate): Promise<void> {
    const finished = change.status !== 'running' && change.status !== 'awaiting_approval';
    await this.pool.query(
      `UPDATE jarvis_tool_call SET status = $2, summary = $3, result = $4::jsonb, approval_id = $5, approval = $6::jsonb,
              finished_at = CASE WHEN $7::boolean THEN now() ELSE NULL END WHERE id = $1`,
      [id, change.status, change.summary, json(change.result ?? null), change.approval?.approvalId ?? null, json(change.approval), finished],
    );
  }

  /** A decision the guard announced, kept on the tool call that asked (also when its turn stopped waiting). */
  async recordApprovalDecision(approvalId: string, decision: ToolApproval['decision'], decidedBy: string | null): Promise<number> {
    if (!isRowId(approvalId)) return 0;
    const result = await this.pool.query(
      `UPDATE jarvis_tool_call SET approval = approval || jsonb_build_object('decision', $2::text, 'decidedBy', $3::text)
        WHERE approval_id = $1 AND approval->>'decision' = 'pending'`,
      [approvalId, decision, decidedBy],
    );
    return result.rowCount ?? 0;
  }

  /** The conversation's last `limit` messages in order, with their tool calls (for the model). */
  async messages(conversationId: string, limit = 10_000): Promise<StoredMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT * FROM (SELECT * FROM jarvis_message WHERE conversation_id = $1 ORDER BY position DESC LIMIT $2) recent ORDER BY position`,
      [conversationId, limit],
    );
    if (rows.length === 0) return [];
    const calls = await this.pool.query<ToolCallRow>(
      `SELECT id, message_id, model_call_id, name, arguments, status, summary, result, approval FROM jarvis_tool_call
        WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, position`,
      [rows.map((row) => row.id)],
    );
    const byMessage = new Map<string, StoredToolCall[]>();
    for (const row of calls.rows) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push(toToolCall(row));
      byMessage.set(row.message_id, list);
    }
    return rows.map((row) => toMessage(row, byMessage.get(row.id) ?? []));
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }
}

function publicToolCall({ modelCallId: _modelCallId, ...call }: StoredToolCall): ToolCall {
  return call;
}
