import type { JarvisTurnEvent } from '@homelab/dashboard-api';

export type TurnListener = (event: JarvisTurnEvent) => void;

/**
 * The events of one running turn. A subscriber first gets everything sent
 * so far, then each new event; the turn does not depend on anyone
 * listening (the browser may go away — the turn goes on and is stored).
 */
export class TurnHandle {
  private readonly events: JarvisTurnEvent[] = [];
  private readonly listeners = new Set<TurnListener>();
  private closed = false;
  private resolveFinished: () => void = () => undefined;
  /** Settles when the turn has ended and everything is stored. */
  readonly finished = new Promise<void>((resolve) => {
    this.resolveFinished = resolve;
  });

  constructor(readonly conversationId: string) {}

  emit(event: JarvisTurnEvent): void {
    if (this.closed) return;
    this.events.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // one broken listener (a closed socket) must not stop the turn or the others
      }
    }
  }

  /** Replays the events so far, then follows; returns the unsubscribe function. */
  subscribe(listener: TurnListener): () => void {
    for (const event of this.events) listener(event);
    if (this.closed) return () => undefined;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.resolveFinished();
  }
}
