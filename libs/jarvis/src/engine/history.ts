import type { StoredMessage } from '../conversation/conversation.repository.js';
import type { ModelMessage } from '../model/model-client.js';
import { modelContentOf } from './tool-outcome.js';

const argumentText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '{}'));

/**
 * The stored conversation as the chat API's message list: each assistant
 * round with the tool calls it made, followed by one `tool` message per call
 * (the API requires an answer for every call id — interrupted ones get an
 * error). Failed rounds that said nothing are left out.
 */
export function toModelMessages(messages: readonly StoredMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      out.push({ role: 'user', content: message.content });
      continue;
    }
    if (message.toolCalls.length === 0) {
      if (message.content !== '') out.push({ role: 'assistant', content: message.content });
      continue;
    }
    out.push({
      role: 'assistant',
      content: message.content,
      tool_calls: message.toolCalls.map((call) => ({
        id: call.modelCallId,
        type: 'function' as const,
        function: { name: call.name, arguments: argumentText(call.arguments) },
      })),
    });
    for (const call of message.toolCalls) out.push({ role: 'tool', tool_call_id: call.modelCallId, content: modelContentOf(call) });
  }
  return out;
}
