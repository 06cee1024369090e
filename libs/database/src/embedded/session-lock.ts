/**
 * First-come, first-served ownership of the one PGlite session. A client
 * connection owns it from its first message until the backend is idle again
 * (ReadyForQuery 'I'): an extended-protocol batch or a transaction is never
 * interleaved with another connection's messages.
 */
export class SessionLock {
  private owner: symbol | undefined;
  private readonly waiting: Array<{ id: symbol; grant: () => void }> = [];

  get heldBy(): symbol | undefined {
    return this.owner;
  }

  /** Resolves once `id` owns the session (at once if it already does). */
  acquire(id: symbol): Promise<void> {
    if (this.owner === id) return Promise.resolve();
    if (this.owner === undefined) {
      this.owner = id;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ id, grant }));
  }

  /** Gives the session to the next waiter; a no-op unless `id` owns it. */
  release(id: symbol): void {
    if (this.owner !== id) return;
    const next = this.waiting.shift();
    this.owner = next?.id;
    next?.grant();
  }

  /**
   * Stops `id` waiting (its connection closed): its pending `acquire` resolves
   * without ownership, so the caller must check `heldBy` afterwards.
   */
  cancel(id: symbol): void {
    const index = this.waiting.findIndex((waiter) => waiter.id === id);
    if (index < 0) return;
    const [waiter] = this.waiting.splice(index, 1);
    waiter?.grant();
  }
}
