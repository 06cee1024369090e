import type { ChatMessage, Conversation, ConversationDetail, ToolApproval, ToolCall } from '../api/types.js';

export type { ConversationDetail };

/** The frames of a turn's `text/event-stream` (docs/dashboard-api.md, "Jarvis"). */
export type TurnEvent =
  | { type: 'message'; id: string }
  | { type: 'delta'; text: string }
  | { type: 'tool_call'; toolCall: ToolCall }
  | { type: 'tool_progress'; toolCallId: string; kind: string; message: string }
  | { type: 'approval'; toolCallId: string; approval: ToolApproval }
  | { type: 'tool_result'; toolCall: ToolCall }
  | { type: 'done'; messageId: string; status: ChatMessage['status'] }
  | { type: 'error'; code: string; message: string };

/** What the page shows of a conversation while a turn streams into it. */
export interface ChatView {
  conversation: ConversationDetail;
  /** The assistant message the stream is writing (from its `message` frame to its `done`). */
  streamingId: string | null;
  /** The latest progress line of each running tool call. */
  progress: Record<string, string>;
  /** The turn's `error` frame, said in words above the input. */
  error: { code: string; message: string } | null;
}

export function viewOf(conversation: ConversationDetail): ChatView {
  return { conversation, streamingId: null, progress: {}, error: null };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

function isToolCall(value: unknown): value is ToolCall {
  return isObject(value) && typeof value['id'] === 'string' && typeof value['name'] === 'string' && typeof value['status'] === 'string';
}

const MESSAGE_STATUSES: readonly string[] = ['streaming', 'done', 'stopped', 'failed'];

/** A frame's name and JSON data as a typed event; null for a frame this UI does not know or cannot read. */
export function toTurnEvent(name: string, raw: string): TurnEvent | null {
  let data: unknown;
  try {
    data = JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
  if (!isObject(data)) return null;
  switch (name) {
    case 'message':
      return typeof data['id'] === 'string' ? { type: 'message', id: data['id'] } : null;
    case 'delta':
      return typeof data['text'] === 'string' ? { type: 'delta', text: data['text'] } : null;
    case 'tool_call':
    case 'tool_result':
      return isToolCall(data) ? { type: name, toolCall: data } : null;
    case 'tool_progress':
      return typeof data['toolCallId'] === 'string'
        ? { type: 'tool_progress', toolCallId: data['toolCallId'], kind: String(data['kind'] ?? ''), message: String(data['message'] ?? '') }
        : null;
    case 'approval':
      return typeof data['toolCallId'] === 'string' && isObject(data['approval'])
        ? { type: 'approval', toolCallId: data['toolCallId'], approval: data['approval'] as unknown as ToolApproval }
        : null;
    case 'done': {
      const status = String(data['status']);
      return typeof data['messageId'] === 'string'
        ? { type: 'done', messageId: data['messageId'], status: (MESSAGE_STATUSES.includes(status) ? status : 'done') as ChatMessage['status'] }
        : null;
    }
    case 'error':
      return { type: 'error', code: typeof data['code'] === 'string' ? data['code'] : 'TURN_FAILED', message: typeof data['message'] === 'string' ? data['message'] : 'The turn failed.' };
    default:
      return null;
  }
}

function mapMessages(view: ChatView, update: (message: ChatMessage) => ChatMessage): ChatView {
  return { ...view, conversation: { ...view.conversation, messages: view.conversation.messages.map(update) } };
}

function withStatus(view: ChatView, status: Conversation['status']): ChatView {
  return { ...view, conversation: { ...view.conversation, status } };
}

/** Replaces the tool call of the same id wherever it is, or adds it to the streaming message. */
function upsertToolCall(view: ChatView, toolCall: ToolCall): ChatView {
  const known = view.conversation.messages.some((message) => message.toolCalls.some((call) => call.id === toolCall.id));
  if (known) {
    return mapMessages(view, (message) => ({ ...message, toolCalls: message.toolCalls.map((call) => (call.id === toolCall.id ? toolCall : call)) }));
  }
  const target = view.streamingId ?? lastAssistantId(view);
  return mapMessages(view, (message) => (message.id === target ? { ...message, toolCalls: [...message.toolCalls, toolCall] } : message));
}

function lastAssistantId(view: ChatView): string | null {
  const messages = view.conversation.messages;
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'assistant') return messages[i]?.id ?? null;
  return null;
}

function anyAwaitingApproval(view: ChatView): boolean {
  return view.conversation.messages.some((message) => message.toolCalls.some((call) => call.status === 'awaiting_approval'));
}

function newAssistantMessage(id: string): ChatMessage {
  return { id, role: 'assistant', content: '', createdAt: new Date().toISOString(), status: 'streaming', error: null, toolCalls: [] };
}

/** The view after one frame of the turn's stream. Pure, so the page can replay frames in order. */
export function applyTurnEvent(view: ChatView, event: TurnEvent): ChatView {
  switch (event.type) {
    case 'message': {
      const exists = view.conversation.messages.some((message) => message.id === event.id);
      const next = exists ? view : { ...view, conversation: { ...view.conversation, messages: [...view.conversation.messages, newAssistantMessage(event.id)] } };
      return withStatus({ ...next, streamingId: event.id, error: null }, 'running');
    }
    case 'delta':
      return view.streamingId === null
        ? view
        : mapMessages(view, (message) => (message.id === view.streamingId ? { ...message, content: message.content + event.text } : message));
    case 'tool_call':
      return upsertToolCall(view, event.toolCall);
    case 'tool_progress':
      return { ...view, progress: { ...view.progress, [event.toolCallId]: event.message } };
    case 'approval': {
      const next = mapMessages(view, (message) => ({
        ...message,
        toolCalls: message.toolCalls.map((call) => (call.id === event.toolCallId ? { ...call, status: 'awaiting_approval', approval: event.approval } : call)),
      }));
      return withStatus(next, 'awaiting_approval');
    }
    case 'tool_result': {
      const { [event.toolCall.id]: _finished, ...progress } = view.progress;
      const next = { ...upsertToolCall(view, event.toolCall), progress };
      return next.conversation.status === 'awaiting_approval' && !anyAwaitingApproval(next) ? withStatus(next, 'running') : next;
    }
    case 'done': {
      const next = mapMessages(view, (message) => (message.id === event.messageId ? { ...message, status: event.status } : message));
      return withStatus({ ...next, streamingId: null, progress: {} }, 'idle');
    }
    case 'error': {
      const failing = view.streamingId;
      const next = failing === null ? view : mapMessages(view, (message) => (message.id === failing ? { ...message, status: 'failed', error: event.message } : message));
      return withStatus({ ...next, streamingId: null, progress: {}, error: { code: event.code, message: event.message } }, 'idle');
    }
  }
}

/** The user's message as shown until the stored conversation is read back. */
export function pendingUserMessage(content: string, now = new Date()): ChatMessage {
  return { id: `pending-${now.getTime()}`, role: 'user', content, createdAt: now.toISOString(), status: 'done', error: null, toolCalls: [] };
}

/** Whether a conversation's turn is still going (running, or waiting for a human). */
export function turnActive(conversation: Pick<Conversation, 'status'>): boolean {
  return conversation.status !== 'idle';
}
