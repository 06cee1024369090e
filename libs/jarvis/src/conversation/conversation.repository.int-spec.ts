import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTraceId } from '../engine/conversation-trace.js';
import { jarvisTestDatabase, type JarvisTestDatabase } from '../testing/jarvis-db.test-helpers.js';
import type { ToolUser } from '../tools/jarvis-tool.js';
import { ConversationRepository, DEFAULT_TITLE } from './conversation.repository.js';

// Real: PostgreSQL with the dashboard's migrations.
describe('ConversationRepository', () => {
  let t: JarvisTestDatabase;
  let repo: ConversationRepository;
  let alice: ToolUser;
  let bob: ToolUser;

  beforeAll(async () => {
    t = await jarvisTestDatabase('jarvis_repo');
    repo = new ConversationRepository(t.pool, 1000);
    alice = await t.user('alice');
    bob = await t.user('bob', 'viewer');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps conversations to their owner: others get nothing, whatever they try', async () => {
    const conversation = await repo.create(alice.id, {}, newTraceId());
    expect(conversation).toMatchObject({ title: DEFAULT_TITLE, dryRun: false, status: 'idle', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await repo.get(alice.id, conversation.id)).toEqual(conversation);
    expect(await repo.get(bob.id, conversation.id)).toBeUndefined();
    expect(await repo.detail(bob.id, conversation.id)).toBeUndefined();
    expect(await repo.update(bob.id, conversation.id, { title: 'mine now' })).toBeUndefined();
    expect(await repo.remove(bob.id, conversation.id)).toBe(false);
    expect(await repo.claim(bob.id, conversation.id, 'replica-b')).toBeUndefined();
    expect(await repo.requestStop(bob.id, conversation.id)).toBe(false);
    expect((await repo.list(bob.id)).map((c) => c.id)).not.toContain(conversation.id);
    expect(await repo.get(alice.id, 'not-a-uuid')).toBeUndefined();
    expect(await repo.get(alice.id, conversation.id)).toMatchObject({ title: DEFAULT_TITLE });
  });

  it('lists newest first and updates title and dry-run', async () => {
    const older = await repo.create(alice.id, { title: 'older' }, newTraceId());
    const newer = await repo.create(alice.id, { title: 'newer', dryRun: true }, newTraceId());
    const ids = (await repo.list(alice.id)).map((c) => c.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
    const updated = await repo.update(alice.id, older.id, { dryRun: true });
    expect(updated).toMatchObject({ title: 'older', dryRun: true });
    expect((await repo.list(alice.id))[0]?.id).toBe(older.id);
  });

  it('lets one turn at a time hold a conversation, and takes it back from a dead one', async () => {
    const conversation = await repo.create(alice.id, {}, newTraceId());
    const first = await repo.claim(alice.id, conversation.id, 'replica-a');
    expect(first).toMatchObject({ nextPosition: 0, conversation: { status: 'running' } });
    expect(await repo.claim(alice.id, conversation.id, 'replica-b')).toBe('busy');
    const question = await repo.addMessage(conversation.id, 0, { role: 'user', content: 'hi', status: 'done' });
    const answer = await repo.addMessage(conversation.id, 1, { role: 'assistant', content: 'half an ans', status: 'streaming' });
    const call = await repo.addToolCall(answer.id, 0, { modelCallId: 'call_0', name: 'run_command', arguments: { host: 'local' } });
    expect(await repo.heartbeat(conversation.id, 'replica-a')).toEqual({ held: true, stopRequested: false });
    expect(await repo.heartbeat(conversation.id, 'replica-b')).toEqual({ held: false, stopRequested: false });

    // replica-a dies: no heartbeat for longer than the stale time
    await t.pool.query(`UPDATE jarvis_conversation SET turn_seen_at = now() - interval '5 seconds' WHERE id = $1`, [conversation.id]);
    expect((await repo.get(alice.id, conversation.id))?.status).toBe('idle');
    const second = await repo.claim(alice.id, conversation.id, 'replica-b');
    expect(second).toMatchObject({ nextPosition: 2 });
    const messages = await repo.messages(conversation.id);
    expect(messages.map((m) => [m.id, m.status])).toEqual([
      [question.id, 'done'],
      [answer.id, 'failed'],
    ]);
    expect(messages[1]?.error).toMatch(/Interrupted/);
    expect(messages[1]?.toolCalls).toEqual([expect.objectContaining({ id: call, status: 'failed', modelCallId: 'call_0', arguments: { host: 'local' } })]);
    // the dead replica has lost its hold
    expect(await repo.heartbeat(conversation.id, 'replica-a')).toEqual({ held: false, stopRequested: false });
    await repo.release(conversation.id, 'replica-a');
    expect((await repo.get(alice.id, conversation.id))?.status).toBe('running');
    await repo.release(conversation.id, 'replica-b');
    expect((await repo.get(alice.id, conversation.id))?.status).toBe('idle');
  });

  it('passes a stop to the replica holding the turn', async () => {
    const conversation = await repo.create(alice.id, {}, newTraceId());
    expect(await repo.requestStop(alice.id, conversation.id)).toBe(true);
    await repo.claim(alice.id, conversation.id, 'replica-a');
    expect(await repo.heartbeat(conversation.id, 'replica-a')).toEqual({ held: true, stopRequested: false });
    await repo.setTurnStatus(conversation.id, 'replica-a', 'awaiting_approval');
    expect((await repo.get(alice.id, conversation.id))?.status).toBe('awaiting_approval');
    await repo.requestStop(alice.id, conversation.id);
    expect(await repo.heartbeat(conversation.id, 'replica-a')).toEqual({ held: true, stopRequested: true });
    await repo.release(conversation.id, 'replica-a');
  });

  it('stores messages and tool calls in order, with approvals and their decisions', async () => {
    const conversation = await repo.create(alice.id, {}, newTraceId());
    await repo.claim(alice.id, conversation.id, 'replica-a');
    await repo.addMessage(conversation.id, 0, { role: 'user', content: 'Restart nginx please\nthanks', status: 'done' });
    await repo.titleFromFirstMessage(conversation.id, 'Restart nginx please\nthanks');
    const answer = await repo.addMessage(conversation.id, 1, { role: 'assistant', content: '', status: 'streaming' });
    const second = await repo.addToolCall(answer.id, 1, { modelCallId: 'b', name: 'list_containers', arguments: {} });
    const first = await repo.addToolCall(answer.id, 0, { modelCallId: 'a', name: 'run_command', arguments: 'not json' });
    const approval = {
      approvalId: '7d1c1f9e-2b47-4a8e-9d59-0b1c8d7e6f50',
      displayCommand: 'systemctl restart nginx',
      host: 'local',
      rule: 'approve-service-restart',
      reason: 'restarts a service',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      decision: 'pending' as const,
      decidedBy: null,
    };
    await repo.updateToolCall(first, { status: 'awaiting_approval', summary: null, result: null, approval });
    expect(await repo.recordApprovalDecision(approval.approvalId, 'denied', 'carol')).toBe(1);
    expect(await repo.recordApprovalDecision(approval.approvalId, 'approved', 'mallory')).toBe(0);
    await repo.updateToolCall(second, { status: 'done', summary: '3 containers', result: { total: 3 }, approval: null });
    await repo.updateMessage(answer.id, { content: 'Let me check.', status: 'done' });

    const detail = await repo.detail(alice.id, conversation.id);
    expect(detail?.title).toBe('Restart nginx please');
    expect(detail?.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(detail?.messages[1]).toMatchObject({ content: 'Let me check.', status: 'done', error: null });
    expect(detail?.messages[1]?.toolCalls).toEqual([
      { id: first, name: 'run_command', arguments: 'not json', status: 'awaiting_approval', summary: null, result: null, approval: { ...approval, decision: 'denied', decidedBy: 'carol' } },
      { id: second, name: 'list_containers', arguments: {}, status: 'done', summary: '3 containers', result: { total: 3 }, approval: null },
    ]);
    // the API's shapes carry no internal fields
    expect(Object.keys(detail?.messages[1]?.toolCalls[0] ?? {})).not.toContain('modelCallId');
    // the most recent messages, still in order
    expect((await repo.messages(conversation.id, 1)).map((m) => m.role)).toEqual(['assistant']);
    await repo.release(conversation.id, 'replica-a');
  });

  it('goes with its owner\'s account', async () => {
    const dave = await t.user('dave');
    const conversation = await repo.create(dave.id, {}, newTraceId());
    await t.pool.query('DELETE FROM app_user WHERE id = $1', [dave.id]);
    const { rowCount } = await t.pool.query('SELECT 1 FROM jarvis_conversation WHERE id = $1', [conversation.id]);
    expect(rowCount).toBe(0);
  });
});
