// docs/dashboard-api.md, "Jarvis (the AI operator)".
import type { ErrorInfo } from './common.js';

/** Whether the configured OpenAI-compatible chat API answers (`GET <baseUrl>/models`, cached briefly). */
export interface JarvisModelStatus {
  /** JARVIS_MODEL_BASE_URL without any user:password part. */
  baseUrl: string;
  model: string;
  reachable: boolean;
  /** Why it is not usable, in plain words (where it looked and what happened); null when it is. */
  error: string | null;
  /** When it was last asked; null before the first check. */
  checkedAt: string | null;
}

/** A tool the model may call, as offered to the asking user's role. */
export interface JarvisToolInfo {
  name: string;
  description: string;
  readOnly: boolean;
}

/** `GET /api/jarvis/status`. */
export interface JarvisStatus {
  model: JarvisModelStatus;
  tools: JarvisToolInfo[];
}

/** `awaiting_approval`: a command of the running turn waits for a human. */
export type ConversationStatus = 'idle' | 'running' | 'awaiting_approval';

export interface Conversation {
  id: string;
  title: string;
  /** Commands are sent with `dryRun: true`: the guard answers with its plan and nothing runs. */
  dryRun: boolean;
  /** The W3C trace id every tool call of this conversation runs under (it reaches the guard's audit log). */
  traceId: string;
  createdAt: string;
  updatedAt: string;
  status: ConversationStatus;
}

/** `GET /api/jarvis/conversations` (newest first). */
export interface ConversationList {
  conversations: Conversation[];
}

/** `POST /api/jarvis/conversations`. */
export interface NewConversationBody {
  title?: string;
  dryRun?: boolean;
}

/** `PATCH /api/jarvis/conversations/:id`. */
export interface UpdateConversationBody {
  title?: string;
  dryRun?: boolean;
}

/** `POST /api/jarvis/conversations/:id/messages`. */
export interface SendMessageBody {
  content: string;
}

/** `POST /api/jarvis/approvals/:approvalId/approve|deny`. */
export interface ApprovalDecisionBody {
  reason: string;
}

export type ChatMessageStatus = 'streaming' | 'done' | 'stopped' | 'failed';

export type ToolCallStatus = 'running' | 'awaiting_approval' | 'done' | 'failed' | 'denied';

export type ApprovalDecision = 'pending' | 'approved' | 'denied' | 'expired';

/** A command that waits for (or got) a human's decision at jarvis-guard. */
export interface ToolApproval {
  approvalId: string;
  /** The command with control and look-alike characters shown escaped, as the guard shows it to approvers. */
  displayCommand: string;
  host: string;
  /** The policy rule that asked for approval, and why. */
  rule: string;
  reason: string;
  expiresAt: string;
  decision: ApprovalDecision;
  decidedBy: string | null;
}

export interface ToolCall {
  id: string;
  name: string;
  /** What the model passed (the raw text when it was not JSON). */
  arguments: unknown;
  status: ToolCallStatus;
  /** One line for the chat, e.g. `exit 0 in 12 ms` or why it was refused. */
  summary: string | null;
  /** What the tool answered (its error `{ code, message }` when it failed or was refused); null while running. */
  result: unknown;
  approval: ToolApproval | null;
}

/**
 * One message. A turn is the user's message and one assistant message per
 * model round: the text of that round and the tool calls it made.
 */
export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  createdAt: string;
  status: ChatMessageStatus;
  error: string | null;
  toolCalls: ToolCall[];
}

/** `GET /api/jarvis/conversations/:id`. */
export interface ConversationDetail extends Conversation {
  messages: ChatMessage[];
}

/** The guard's approval record, as `guard.approval.decided` carries it (`POST /api/jarvis/approvals/:id/approve|deny`). */
export interface GuardApproval {
  id: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'used';
  command: string;
  displayCommand: string;
  host: string;
  /** Who asked: `jarvis:<username>` for Jarvis. */
  caller: string;
  sessionId: string;
  rule: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decisionReason: string | null;
}

/** The `data` of each `event:` of a turn's stream (`POST …/messages`). */
export interface JarvisTurnEventMap {
  /** An assistant message begins (one per model round). */
  message: { id: string };
  delta: { text: string };
  tool_call: ToolCall;
  tool_progress: { toolCallId: string; kind: string; message: string };
  /** The command waits for a human (also published on NATS for other approval channels). */
  approval: { toolCallId: string; approval: ToolApproval };
  tool_result: ToolCall;
  /** The turn ended: `status` of its last assistant message. Always the last event. */
  done: { messageId: string; status: ChatMessageStatus };
  /** e.g. `MODEL_UNAVAILABLE`; followed by `done`. */
  error: ErrorInfo;
}

export type JarvisTurnEventName = keyof JarvisTurnEventMap;

/** One frame of a turn's stream. */
export type JarvisTurnEvent = { [K in JarvisTurnEventName]: { event: K; data: JarvisTurnEventMap[K] } }[JarvisTurnEventName];
