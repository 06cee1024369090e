import { DomainError, DomainErrorKind } from '@homelab/contracts';
import { ConversationNotFoundError, TurnInProgressError } from '../conversation/conversation-errors.js';
import type { ToolUser } from '../tools/jarvis-tool.js';
import { Turn, type StopReason, type TurnDependencies } from './turn.js';
import type { TurnHandle } from './turn-handle.js';

type Defaulted = 'historyLimit' | 'heartbeatMs' | 'flushMs' | 'now' | 'redact';

/**
 * What the turns depend on; by default 60 messages of history, a 2 s heartbeat, text stored
 * every 500 ms while it streams, and nothing redacted.
 */
export type JarvisEngineOptions = Omit<TurnDependencies, Defaulted> & Partial<Pick<TurnDependencies, Defaulted>>;

export class JarvisShuttingDownError extends DomainError {
  constructor() {
    super(DomainErrorKind.Unavailable, 'SHUTTING_DOWN', 'The dashboard is shutting down; send the message again in a moment');
  }
}

/**
 * Runs conversations' turns on this replica: one turn at a time per
 * conversation (claimed in the database, so replicas agree), detached from
 * whoever asked — the turn goes on and is stored when the browser leaves.
 */
export class JarvisEngine {
  private readonly turns = new Map<string, Turn>();
  private readonly deps: TurnDependencies;
  private closing = false;

  constructor(private readonly options: JarvisEngineOptions) {
    this.deps = {
      ...options,
      historyLimit: options.historyLimit ?? 60,
      heartbeatMs: options.heartbeatMs ?? 2000,
      flushMs: options.flushMs ?? 500,
      now: options.now ?? (() => new Date()),
      redact: options.redact ?? ((text) => text),
    };
  }

  /**
   * Starts a turn with the user's message. Throws before anything is stored
   * when the conversation is not the user's (404) or a turn runs (409).
   */
  async startTurn(user: ToolUser, conversationId: string, content: string): Promise<TurnHandle> {
    if (this.closing) throw new JarvisShuttingDownError();
    if (this.turns.has(conversationId)) throw new TurnInProgressError(conversationId);
    const claimed = await this.options.repository.claim(user.id, conversationId, this.options.instanceId);
    if (claimed === undefined) throw new ConversationNotFoundError(conversationId);
    if (claimed === 'busy') throw new TurnInProgressError(conversationId);
    const turn = new Turn(this.deps, { ...claimed, user, content });
    this.turns.set(conversationId, turn);
    void turn.run().finally(() => this.turns.delete(conversationId));
    return turn.handle;
  }

  /** The running turn of a conversation on this replica, if any. */
  running(conversationId: string): TurnHandle | undefined {
    return this.turns.get(conversationId)?.handle;
  }

  /** Stops the conversation's running turn, here or (through the database) on the replica running it. */
  async stop(user: ToolUser, conversationId: string): Promise<void> {
    const conversation = await this.options.repository.get(user.id, conversationId);
    if (!conversation) throw new ConversationNotFoundError(conversationId);
    const local = this.turns.get(conversationId);
    if (local) {
      local.stop('stop');
      return;
    }
    if (conversation.status !== 'idle') await this.options.repository.requestStop(user.id, conversationId);
  }

  /** Deletes a conversation; its running turn here is ended first. */
  async remove(user: ToolUser, conversationId: string): Promise<void> {
    const conversation = await this.options.repository.get(user.id, conversationId);
    if (!conversation) throw new ConversationNotFoundError(conversationId);
    const local = this.turns.get(conversationId);
    if (local) {
      local.stop('lost');
      await Promise.race([local.handle.finished, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    }
    await this.options.repository.remove(user.id, conversationId);
  }

  get activeTurns(): number {
    return this.turns.size;
  }

  /** Stops every turn of this replica and waits (bounded) until each is stored; takes no new ones. */
  async shutdown(timeoutMs = 3000): Promise<void> {
    this.closing = true;
    const running = [...this.turns.values()];
    for (const turn of running) turn.stop('shutdown');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running.map((turn) => turn.handle.finished)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

export type { StopReason };
