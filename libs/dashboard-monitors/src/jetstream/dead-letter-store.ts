import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@homelab/tracing';

const ADVISORY = '$JS.EVENT.ADVISORY.CONSUMER';
const KINDS = ['MAX_DELIVERIES', 'MSG_TERMINATED'] as const;
const nanos = (ms: number): number => ms * 1_000_000;

/**
 * Dead letters, counted by JetStream itself: a stream of this install keeps
 * the server's MAX_DELIVERIES and MSG_TERMINATED advisories for each of the
 * install's streams, so the counts survive a dashboard restart and include
 * what happened while no dashboard was running. The count per consumer is
 * the number of kept advisories with its subject (stream info with a
 * subjects filter), so nothing is counted twice.
 */
export class DeadLetterStore {
  private configured = '';
  private warned = false;

  constructor(
    readonly streamName: string,
    private readonly logger: Logger,
    private readonly retentionMs = 30 * 86_400_000,
  ) {}

  /** Makes the stream capture the advisories of `streams` (no-op when already so). */
  async ensure(jsm: JetStreamManager, streams: readonly string[]): Promise<void> {
    const subjects = streams.flatMap((s) => KINDS.map((kind) => `${ADVISORY}.${kind}.${s}.*`)).sort();
    const signature = subjects.join(',');
    if (subjects.length === 0 || signature === this.configured) return;
    const config = {
      name: this.streamName,
      subjects,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(this.retentionMs),
      max_msgs: 1_000_000,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
    };
    try {
      const existing = await jsm.streams.info(this.streamName).catch(() => undefined);
      if (existing) await jsm.streams.update(this.streamName, config);
      else await jsm.streams.add(config);
      this.configured = signature;
      this.warned = false;
    } catch (error) {
      if (!this.warned) this.logger.warn({ err: error, stream: this.streamName }, 'Dead-letter stream could not be set up; dead letters are not counted');
      this.warned = true;
    }
  }

  /** Dead letters per `<stream>/<consumer>`. */
  async counts(jsm: JetStreamManager): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (!this.configured) return counts;
    const info = await jsm.streams.info(this.streamName, { subjects_filter: `${ADVISORY}.>` });
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
      const parts = subject.split('.');
      const stream = parts[5];
      const consumer = parts[6];
      if (!stream || !consumer) continue;
      const key = `${stream}/${consumer}`;
      counts.set(key, (counts.get(key) ?? 0) + count);
    }
    return counts;
  }
}
