import { jetstreamManager } from '@nats-io/jetstream';
import type { DashboardAlert } from '@homelab/contracts';
import type { NatsConnectionManager } from '@homelab/platform';

export interface StoredEvent {
  subject: string;
  alert: DashboardAlert;
  messageId: string | undefined;
}

/** Every message the stream keeps, in order. */
export async function readStream(manager: NatsConnectionManager, stream: string): Promise<StoredEvent[]> {
  const jsm = await jetstreamManager(await manager.connect());
  const info = await jsm.streams.info(stream).catch(() => undefined);
  if (!info) return [];
  const events: StoredEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (message) events.push({ subject: message.subject, alert: message.json<DashboardAlert>(), messageId: message.header?.get('Nats-Msg-Id') });
  }
  return events;
}

export async function deleteStreams(manager: NatsConnectionManager, names: string[]): Promise<void> {
  const jsm = await jetstreamManager(await manager.connect());
  await Promise.all(names.map((name) => jsm.streams.delete(name).catch(() => undefined)));
}
