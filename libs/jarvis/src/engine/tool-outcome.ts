import type { ToolCallStatus } from '@homelab/dashboard-api';
import type { ToolResult } from '../tools/jarvis-tool.js';

/**
 * Error codes that mean "not permitted" rather than "broken": the guard (or
 * a human through it) refused, limited or suspended. Such calls show as
 * `denied` in the chat.
 */
export const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'COMMAND_DENIED',
  'APPROVAL_DENIED',
  'APPROVAL_EXPIRED',
  'RATE_LIMITED',
  'SESSION_SUSPENDED',
]);

/** A finished tool call as stored and shown. */
export interface ToolOutcome {
  status: Extract<ToolCallStatus, 'done' | 'failed' | 'denied'>;
  summary: string;
  /** The tool's content, or `{ code, message }` when it failed or was refused. */
  result: unknown;
}

/** The longest tool answer handed back to the model; longer ones are cut (the chat keeps the whole result). */
export const MAX_MODEL_TOOL_CONTENT = 12_000;

export function failure(code: string, message: string): ToolOutcome {
  return { status: REFUSAL_CODES.has(code) ? 'denied' : 'failed', summary: message, result: { code, message } };
}

export function outcomeOf(result: ToolResult): ToolOutcome {
  if (!result.ok) return failure(result.error.code, result.error.message);
  return { status: 'done', summary: result.summary ?? 'done', result: result.content };
}

/** What the model reads as a tool's answer (`role: tool`), for a finished or an interrupted call. */
export function modelContentOf(call: { status: ToolCallStatus; summary: string | null; result: unknown }): string {
  let body: unknown;
  if (call.status === 'done') body = { ok: true, result: call.result };
  else if (call.status === 'failed' || call.status === 'denied') body = { ok: false, error: call.result ?? { code: 'TOOL_FAILED', message: call.summary ?? 'failed' } };
  else body = { ok: false, error: { code: 'INTERRUPTED', message: call.summary ?? 'The tool call did not finish' } };
  const text = JSON.stringify(body) ?? '{}';
  return text.length <= MAX_MODEL_TOOL_CONTENT ? text : `${text.slice(0, MAX_MODEL_TOOL_CONTENT)}… [cut: ${text.length - MAX_MODEL_TOOL_CONTENT} more characters]`;
}
