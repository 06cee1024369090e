import type { SignedHead } from './signing.js';

/** One entry of the head store's history. */
export interface StoredHead {
  /** Position in the store (KV revision), increasing. */
  revision: number;
  /** null when the entry is not a well-formed signed head. */
  head: SignedHead | null;
}

/**
 * Where signed chain heads live: anywhere but the audit database, so that
 * whoever can rewrite the table cannot also rewind the heads.
 */
export interface HeadStore {
  /** Stores a signed head; earlier ones stay readable through {@link history}. */
  put(head: SignedHead): Promise<void>;
  /** The retained heads, oldest first. */
  history(): Promise<StoredHead[]>;
}

/** A HeadStore in memory, for unit tests and tools. */
export class MemoryHeadStore implements HeadStore {
  private readonly entries: StoredHead[] = [];
  private revision = 0;

  constructor(private readonly maxHistory = 64) {}

  async put(head: SignedHead): Promise<void> {
    this.entries.push({ revision: ++this.revision, head: { ...head } });
    if (this.entries.length > this.maxHistory) this.entries.shift();
  }

  async history(): Promise<StoredHead[]> {
    return this.entries.map((entry) => ({ revision: entry.revision, head: entry.head && { ...entry.head } }));
  }
}
