import { z } from 'zod';
import { DomainError } from '@homelab/contracts';
import type { ChatMessageStatus, Conversation, JarvisTurnEvent, ToolApproval, ToolCall } from '@homelab/dashboard-api';
import type { Logger } from '@homelab/tracing';
import type { ConversationRepository } from '../conversation/conversation.repository.js';
import { ModelAbortedError, ModelUnavailableError } from '../model/model-errors.js';
import type { JarvisModelClient, ModelMessage, ModelReply } from '../model/model-client.js';
import type { AssembledToolCall } from '../model/tool-call-assembler.js';
import type { JarvisTool, ToolContext, ToolProgress, ToolUser } from '../tools/jarvis-tool.js';
import type { JarvisToolRegistry } from '../tools/tool-registry.js';
import { toolDefinition } from '../tools/tool-schema.js';
import { toModelMessages } from './history.js';
import { systemPrompt } from './system-prompt.js';
import { failure, modelContentOf, type ToolOutcome } from './tool-outcome.js';
import { redactOutcome, runTool, storedArguments } from './tool-runner.js';
import { TurnHandle } from './turn-handle.js';

/** `ToolProgress.kind` a tool reports when its command waits for a human, and when the human decided. */
export const APPROVAL_REQUESTED = 'approval';
export const APPROVAL_DECIDED = 'approval_decided';

const toolApproval = z.object({
  approvalId: z.string(),
  displayCommand: z.string(),
  host: z.string(),
  rule: z.string(),
  reason: z.string(),
  expiresAt: z.string(),
  decision: z.enum(['pending', 'approved', 'denied', 'expired']),
  decidedBy: z.string().nullable(),
});

export type StopReason = 'stop' | 'shutdown' | 'lost';

export interface TurnDependencies {
  repository: ConversationRepository;
  model: Pick<JarvisModelClient, 'streamReply'>;
  registry: JarvisToolRegistry;
  /** This replica (`runtime.instanceId`): it holds the conversations whose turns it runs. */
  instanceId: string;
  logger: Logger;
  /** JARVIS_MAX_TOOL_ROUNDS: after this many rounds of tool calls the model must answer. */
  maxToolRounds: number;
  /** Messages of the conversation the model sees. */
  historyLimit: number;
  /** How often a running turn refreshes its hold and looks for a stop asked on another replica. */
  heartbeatMs: number;
  /** How often streamed text is stored while it streams. */
  flushMs: number;
  now: () => Date;
  /** Called when a turn could not reach the model (e.g. to forget a cached "reachable"). */
  onModelUnavailable?: (() => void) | undefined;
  /**
   * Removes known secret values from tool results before the model, the database or the chat see
   * them (a container's log or a command's output may print a password).
   */
  redact: (text: string) => string;
}

export interface TurnInput {
  conversation: Conversation;
  nextPosition: number;
  user: ToolUser;
  content: string;
}

const STOP_MESSAGES: Record<StopReason, string | null> = {
  stop: null,
  shutdown: 'The dashboard shut down during this answer',
  lost: 'The conversation was deleted or taken over during this answer',
};

/**
 * One turn: the user's message, then model rounds — streamed text, tool
 * calls run one after the other, their results handed back — until the
 * model answers without tools or the rounds run out. Everything is stored
 * as it happens and sent to the handle's listeners as the API's events.
 */
export class Turn {
  readonly handle: TurnHandle;
  private readonly abort = new AbortController();
  private stopReason: StopReason | undefined;
  private position: number;
  private lastMessageId = '';
  private writes: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly deps: TurnDependencies,
    private readonly input: TurnInput,
  ) {
    this.handle = new TurnHandle(input.conversation.id);
    this.position = input.nextPosition;
  }

  private get id(): string {
    return this.input.conversation.id;
  }

  stop(reason: StopReason): void {
    this.stopReason ??= reason;
    this.abort.abort();
  }

  async run(): Promise<void> {
    const heartbeat = setInterval(() => void this.beat(), this.deps.heartbeatMs);
    heartbeat.unref();
    try {
      await this.converse();
    } catch (error) {
      await this.failed(error);
    } finally {
      clearInterval(heartbeat);
      await this.writes;
      await this.deps.repository.release(this.id, this.deps.instanceId).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, conversationId: this.id }, 'Jarvis could not release the conversation; it frees itself once stale');
      });
      this.handle.close();
    }
  }

  private emit(event: JarvisTurnEvent): void {
    this.handle.emit(event);
  }

  private end(messageId: string, status: ChatMessageStatus): void {
    this.ended = true;
    this.emit({ event: 'done', data: { messageId, status } });
  }

  private async beat(): Promise<void> {
    try {
      const { held, stopRequested } = await this.deps.repository.heartbeat(this.id, this.deps.instanceId);
      if (!held) this.stop('lost');
      else if (stopRequested) this.stop('stop');
    } catch (error) {
      this.deps.logger.warn({ err: error, conversationId: this.id }, 'Jarvis turn heartbeat failed');
    }
  }

  private async converse(): Promise<void> {
    const { repository, registry } = this.deps;
    const question = await repository.addMessage(this.id, this.position++, { role: 'user', content: this.input.content, status: 'done' });
    if (this.position === 1) await repository.titleFromFirstMessage(this.id, this.input.content);
    this.lastMessageId = question.id;
    const tools = registry.available(this.input.user.role);
    const stored = await repository.messages(this.id, this.deps.historyLimit);
    const messages: ModelMessage[] = [
      { role: 'system', content: systemPrompt({ user: this.input.user, tools, dryRun: this.input.conversation.dryRun, now: this.deps.now() }) },
      ...toModelMessages(stored),
    ];
    for (let round = 0; ; round++) {
      const offered = round < this.deps.maxToolRounds ? tools : [];
      if (await this.round(messages, offered)) return;
    }
  }

  /** One model answer and the tool calls it asks for; true when the turn is over. */
  private async round(messages: ModelMessage[], offered: readonly JarvisTool[]): Promise<boolean> {
    const { repository } = this.deps;
    const message = await repository.addMessage(this.id, this.position++, { role: 'assistant', content: '', status: 'streaming' });
    this.lastMessageId = message.id;
    this.emit({ event: 'message', data: { id: message.id } });

    let content = '';
    const flush = new ContentFlusher(this.deps.flushMs, (text) => repository.updateMessage(message.id, { content: text }));
    let reply: ModelReply;
    try {
      reply = await this.deps.model.streamReply(
        { messages, tools: offered.map(toolDefinition) },
        {
          signal: this.abort.signal,
          onText: (text) => {
            content += text;
            this.emit({ event: 'delta', data: { text } });
            flush.schedule(content);
          },
        },
      );
    } catch (error) {
      await flush.cancel();
      return this.modelFailed(message.id, content, error);
    }
    await flush.cancel();

    if (reply.toolCalls.length === 0) {
      await repository.updateMessage(message.id, { content: reply.content, status: 'done' });
      this.end(message.id, 'done');
      return true;
    }
    await repository.updateMessage(message.id, { content: reply.content });
    messages.push({
      role: 'assistant',
      content: reply.content,
      tool_calls: reply.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })),
    });
    const exhausted = offered.length === 0;
    for (const [position, call] of reply.toolCalls.entries()) {
      const record = await this.toolCall(message.id, position, call, exhausted);
      messages.push({ role: 'tool', tool_call_id: call.id, content: modelContentOf(record) });
    }
    if (this.abort.signal.aborted) return this.stopped(message.id, reply.content);
    await repository.updateMessage(message.id, { status: 'done' });
    if (exhausted) {
      this.end(message.id, 'done');
      return true;
    }
    return false;
  }

  private async modelFailed(messageId: string, content: string, error: unknown): Promise<boolean> {
    if (error instanceof ModelAbortedError || this.abort.signal.aborted) return this.stopped(messageId, content);
    const problem = error instanceof DomainError ? error : new ModelUnavailableError(`The model could not be asked: ${error instanceof Error ? error.message : String(error)}`);
    this.deps.onModelUnavailable?.();
    this.deps.logger.warn({ conversationId: this.id, code: problem.code, reason: problem.message }, 'Jarvis could not get an answer from the model');
    await this.deps.repository.updateMessage(messageId, { content, status: 'failed', error: problem.message });
    this.emit({ event: 'error', data: { code: problem.code, message: problem.message } });
    this.end(messageId, 'failed');
    return true;
  }

  private async stopped(messageId: string, content: string): Promise<boolean> {
    const reason = this.stopReason ?? 'stop';
    await this.deps.repository.updateMessage(messageId, { content, status: 'stopped', error: STOP_MESSAGES[reason] });
    this.end(messageId, 'stopped');
    return true;
  }

  private async toolCall(messageId: string, position: number, call: AssembledToolCall, exhausted: boolean): Promise<ToolCall> {
    const args = storedArguments(call.arguments);
    const id = await this.deps.repository.addToolCall(messageId, position, { modelCallId: call.id, name: call.name, arguments: args });
    const record: ToolCall = { id, name: call.name, arguments: args, status: 'running', summary: null, result: null, approval: null };
    this.emit({ event: 'tool_call', data: { ...record } });

    let outcome: ToolOutcome;
    if (this.abort.signal.aborted) {
      outcome = { status: 'failed', summary: 'Not run: the turn was stopped', result: { code: 'STOPPED', message: 'The turn was stopped before this tool ran' } };
    } else if (exhausted) {
      outcome = failure('TOOL_ROUNDS_EXHAUSTED', `Not run: Jarvis may chain at most ${this.deps.maxToolRounds} rounds of tool calls for one question`);
    } else {
      outcome = redactOutcome(await runTool(this.deps.registry, call, this.toolContext(record)), this.deps.redact);
    }
    await this.writes;
    const waited = record.status === 'awaiting_approval';
    Object.assign(record, { status: outcome.status, summary: outcome.summary, result: outcome.result });
    await this.deps.repository.updateToolCall(id, record);
    if (waited) await this.deps.repository.setTurnStatus(this.id, this.deps.instanceId, 'running');
    this.emit({ event: 'tool_result', data: { ...record } });
    return record;
  }

  private toolContext(record: ToolCall): ToolContext {
    const { conversation, user } = this.input;
    return {
      conversationId: conversation.id,
      traceId: conversation.traceId,
      user,
      dryRun: conversation.dryRun,
      signal: this.abort.signal,
      progress: (progress) => this.progress(record, progress),
    };
  }

  /** Approval progress changes the stored call and the conversation's status; other progress is only shown. */
  private progress(record: ToolCall, progress: ToolProgress): void {
    if (this.ended || record.status === 'done' || record.status === 'failed' || record.status === 'denied') return;
    const approval = approvalOf(progress);
    if (progress.kind === APPROVAL_REQUESTED && approval) {
      Object.assign(record, { status: 'awaiting_approval', approval });
      this.write(async () => {
        await this.deps.repository.updateToolCall(record.id, record);
        await this.deps.repository.setTurnStatus(this.id, this.deps.instanceId, 'awaiting_approval');
      });
      this.emit({ event: 'approval', data: { toolCallId: record.id, approval } });
      return;
    }
    if (progress.kind === APPROVAL_DECIDED && approval) {
      Object.assign(record, { status: 'running', approval });
      this.write(async () => {
        await this.deps.repository.updateToolCall(record.id, record);
        await this.deps.repository.setTurnStatus(this.id, this.deps.instanceId, 'running');
      });
    }
    this.emit({ event: 'tool_progress', data: { toolCallId: record.id, kind: progress.kind, message: progress.message } });
  }

  /** Stores in the order things happened, without holding the tool up. */
  private write(work: () => Promise<void>): void {
    this.writes = this.writes.then(work).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, conversationId: this.id }, 'Jarvis could not store tool progress');
    });
  }

  private async failed(error: unknown): Promise<void> {
    if (this.stopReason === 'lost') {
      this.deps.logger.info({ conversationId: this.id }, 'Jarvis turn ended: its conversation is gone');
    } else {
      this.deps.logger.error({ err: error, conversationId: this.id }, 'Jarvis turn failed');
    }
    const message = `The turn failed: ${error instanceof DomainError ? error.message : 'an internal error (see the dashboard log)'}`;
    if (this.lastMessageId !== '') {
      await this.deps.repository.updateMessage(this.lastMessageId, { status: 'failed', error: message }).catch(() => undefined);
    }
    if (!this.ended) {
      this.emit({ event: 'error', data: { code: 'TURN_FAILED', message } });
      this.end(this.lastMessageId, 'failed');
    }
  }
}

function approvalOf(progress: ToolProgress): ToolApproval | undefined {
  const parsed = toolApproval.safeParse(progress.data?.['approval']);
  return parsed.success ? parsed.data : undefined;
}

/** Stores streamed text at most every `intervalMs`, so a reloading page sees the answer grow. */
class ContentFlusher {
  private timer: NodeJS.Timeout | undefined;
  private latest = '';
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly store: (content: string) => Promise<void>,
  ) {}

  schedule(content: string): void {
    this.latest = content;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const text = this.latest;
      this.inFlight = this.inFlight.then(() => this.store(text)).catch(() => undefined);
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Drops a pending write and waits for one under way, so the final write comes last. */
  async cancel(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}
