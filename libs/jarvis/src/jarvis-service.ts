import type { GuardApproval } from '@homelab/contracts';
import type { Conversation, ConversationDetail, ConversationList, JarvisStatus } from '@homelab/dashboard-api';
import { ConversationNotFoundError } from './conversation/conversation-errors.js';
import { parseApprovalDecision, parseNewConversation, parseSendMessage, parseUpdateConversation } from './conversation/conversation-requests.js';
import type { ConversationRepository } from './conversation/conversation.repository.js';
import { newTraceId } from './engine/conversation-trace.js';
import type { JarvisEngine } from './engine/jarvis-engine.js';
import type { TurnHandle } from './engine/turn-handle.js';
import type { GuardApprovals } from './guard/guard-approvals.js';
import type { ModelStatusProbe } from './model/model-status.js';
import type { ToolUser } from './tools/jarvis-tool.js';
import type { JarvisToolRegistry } from './tools/tool-registry.js';

export interface JarvisServiceParts {
  repository: ConversationRepository;
  engine: JarvisEngine;
  probe: ModelStatusProbe;
  registry: JarvisToolRegistry;
  approvals: GuardApprovals;
}

/** docs/dashboard-api.md, "Jarvis": what each route does, given the logged-in user and the raw body. */
export class JarvisService {
  constructor(private readonly parts: JarvisServiceParts) {}

  async status(user: ToolUser): Promise<JarvisStatus> {
    const model = await this.parts.probe.status();
    const tools = this.parts.registry.available(user.role).map((tool) => ({ name: tool.name, description: tool.description, readOnly: tool.readOnly }));
    return { model, tools };
  }

  async list(user: ToolUser): Promise<ConversationList> {
    return { conversations: await this.parts.repository.list(user.id) };
  }

  create(user: ToolUser, body: unknown): Promise<Conversation> {
    return this.parts.repository.create(user.id, parseNewConversation(body), newTraceId());
  }

  async detail(user: ToolUser, id: string): Promise<ConversationDetail> {
    const detail = await this.parts.repository.detail(user.id, id);
    if (!detail) throw new ConversationNotFoundError(id);
    return detail;
  }

  async update(user: ToolUser, id: string, body: unknown): Promise<Conversation> {
    const updated = await this.parts.repository.update(user.id, id, parseUpdateConversation(body));
    if (!updated) throw new ConversationNotFoundError(id);
    return updated;
  }

  remove(user: ToolUser, id: string): Promise<void> {
    return this.parts.engine.remove(user, id);
  }

  /** Starts the turn (404, 409 before anything is stored); its events come from the handle. */
  send(user: ToolUser, id: string, body: unknown): Promise<TurnHandle> {
    const { content } = parseSendMessage(body);
    return this.parts.engine.startTurn(user, id, content);
  }

  stop(user: ToolUser, id: string): Promise<void> {
    return this.parts.engine.stop(user, id);
  }

  decide(user: ToolUser, approvalId: string, decision: 'approve' | 'deny', body: unknown): Promise<GuardApproval> {
    const { reason } = parseApprovalDecision(body);
    return this.parts.approvals.decide(approvalId, decision, user.username, reason);
  }
}
