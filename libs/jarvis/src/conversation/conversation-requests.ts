import { z } from 'zod';
import type { ApprovalDecisionBody, NewConversationBody, SendMessageBody, UpdateConversationBody } from '@homelab/dashboard-api';
import { JarvisRequestInvalidError } from './conversation-errors.js';

export const MAX_MESSAGE_LENGTH = 20_000;

const title = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

const newConversation = z.object({ title: title.optional(), dryRun: z.boolean().optional() }).strict();
const updateConversation = z.object({ title: title.optional(), dryRun: z.boolean().optional() }).strict();
const sendMessage = z
  .object({ content: z.string().trim().min(1, 'must not be empty').max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`) })
  .strict();
const approvalDecision = z.object({ reason: z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters') }).strict();

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const message = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : `${field} ${issue?.message ?? 'is invalid'}`;
  throw new JarvisRequestInvalidError(issue?.code === 'unrecognized_keys' ? (issue.keys[0] ?? field) : field, message);
}

export const parseNewConversation = (body: unknown): NewConversationBody => parse(newConversation, body);
export const parseUpdateConversation = (body: unknown): UpdateConversationBody => parse(updateConversation, body);
export const parseSendMessage = (body: unknown): SendMessageBody => parse(sendMessage, body);
export const parseApprovalDecision = (body: unknown): ApprovalDecisionBody => parse(approvalDecision, body);

// the request types of @homelab/dashboard-api are exactly what these schemas accept
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<z.input<typeof newConversation>, NewConversationBody>,
  Same<z.input<typeof updateConversation>, UpdateConversationBody>,
  Same<z.input<typeof sendMessage>, SendMessageBody>,
  Same<z.input<typeof approvalDecision>, ApprovalDecisionBody>,
] = [true, true, true, true];
void sameShapes;
