import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { HeadStore, StoredHead } from './head-store.js';
import { parseSignedHead, type SignedHead } from './signing.js';

export const DEFAULT_HEAD_BUCKET = 'guard_audit_heads';
const HEAD_KEY = 'head';
/** The most a JetStream KV keeps per key. */
const MAX_KV_HISTORY = 64;

export interface NatsKvHeadStoreOptions {
  /** KV bucket name (letters, digits, `-`, `_`). Default `guard_audit_heads`. */
  bucket?: string;
  /** Heads kept (KV history per key, at most 64). Default 64. */
  history?: number;
  /**
   * Create the bucket when it is missing (the service). Default true; the
   * verifier passes false, so a missing bucket is an error, not an empty history.
   */
  create?: boolean;
}

/**
 * Signed chain heads in a NATS JetStream KV bucket, one key with history, so
 * they live apart from the audit database and its administrators.
 */
export class NatsKvHeadStore implements HeadStore {
  private constructor(
    private readonly kv: KV,
    readonly bucket: string,
  ) {}

  static async open(nc: NatsConnection, options: NatsKvHeadStoreOptions = {}): Promise<NatsKvHeadStore> {
    const bucket = options.bucket ?? DEFAULT_HEAD_BUCKET;
    const kvm = new Kvm(nc);
    const kv =
      options.create === false
        ? await kvm.open(bucket)
        : await kvm.create(bucket, {
            history: Math.min(MAX_KV_HISTORY, Math.max(1, options.history ?? MAX_KV_HISTORY)),
            description: 'jarvis-guard: signed heads of the audit hash chain',
          });
    // open() is lazy: a missing bucket only shows on first use
    await kv.status();
    return new NatsKvHeadStore(kv, bucket);
  }

  async put(head: SignedHead): Promise<void> {
    await this.kv.put(HEAD_KEY, JSON.stringify(head));
  }

  async history(): Promise<StoredHead[]> {
    const entries: StoredHead[] = [];
    const iterator = await this.kv.history({ key: HEAD_KEY });
    for await (const entry of iterator) {
      // a delete marker is no head; the heads before it stay in the history
      if (entry.operation !== 'PUT') continue;
      entries.push({ revision: entry.revision, head: parseSignedHead(safeJson(entry.string())) });
    }
    return entries.sort((a, b) => a.revision - b.revision);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
