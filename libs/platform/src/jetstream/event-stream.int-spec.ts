import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardApprovalRequested, RpcErrorCode } from '@homelab/contracts';
import { createLogger, ServiceMetrics } from '@homelab/tracing';
import { natsUrl, uniqueSubjectPrefix } from '@homelab/testing';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { EventStream } from './event-stream.js';

const approval = () => ({
  id: randomUUID(),
  status: 'pending' as const,
  command: 'systemctl restart nginx',
  displayCommand: 'systemctl restart nginx',
  host: 'web1',
  caller: 'jarvis',
  sessionId: 's1',
  rule: 'restart-service',
  reason: 'changes state',
  createdAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 900_000).toISOString(),
  decidedBy: null,
  decisionReason: null,
});

describe('EventStream (real JetStream)', () => {
  const prefix = uniqueSubjectPrefix('js');
  const manager = new NatsConnectionManager(
    { servers: [natsUrl()], name: 'event-stream-spec' },
    createLogger({ service: 'spec', instanceId: 'x', level: 'silent', redact: (s) => s }),
    new ServiceMetrics('spec'),
  );
  const stream = new EventStream(manager, prefix, { name: 'GUARD_APPROVALS', subjects: ['guard.approval.>'], maxAgeMs: 60_000 });

  beforeAll(() => manager.connect());
  afterAll(async () => {
    const jsm = await jetstreamManager(await manager.connect());
    await jsm.streams.delete(stream.streamName).catch(() => undefined);
    await manager.drain(1000);
  });

  it('creates the stream, keeps events, and drops a repeated message id', async () => {
    const event = approval();
    await stream.publish(guardApprovalRequested, event, `${event.id}:requested`);
    await stream.publish(guardApprovalRequested, event, `${event.id}:requested`);
    await stream.publish(guardApprovalRequested, approval(), 'other');
    const jsm = await jetstreamManager(await manager.connect());
    const info = await jsm.streams.info(stream.streamName);
    expect(info.state.messages).toBe(2);
    expect(info.config.subjects).toEqual([`${prefix}guard.approval.>`]);
    const stored = await jsm.streams.getMessage(stream.streamName, { seq: 1 });
    expect(stored?.json()).toMatchObject({ id: event.id, status: 'pending' });
  });

  it('refuses an event that breaks its contract', async () => {
    await expect(stream.publish(guardApprovalRequested, { ...approval(), id: 'not-a-uuid' }, 'bad')).rejects.toMatchObject({
      code: RpcErrorCode.BadRequest,
    });
  });
});
