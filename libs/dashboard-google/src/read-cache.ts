/** Keys are few (three reads, calendar per day count); expired ones are swept past this. */
const MAX_ENTRIES = 100;

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * Keeps Google's answers for a short while so the panel, its refreshes and Jarvis do not each
 * call Google; concurrent misses for one key share one request. Failures are not kept.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Bumped by clear(): a load that began before it must not refill the cache. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt > this.now()) return entry.value as T;
    if (this.entries.size >= MAX_ENTRIES) this.sweep();
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending as Promise<T>;
    const epoch = this.epoch;
    const loading = load().then(
      (value) => {
        if (epoch === this.epoch && this.ttlMs > 0) this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
        return value;
      },
    );
    const tracked = loading.finally(() => {
      if (this.inFlight.get(key) === tracked) this.inFlight.delete(key);
    });
    this.inFlight.set(key, tracked);
    return tracked;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.inFlight.clear();
  }
}
