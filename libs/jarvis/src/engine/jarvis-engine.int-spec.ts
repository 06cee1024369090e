import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JarvisTurnEvent, ToolCall } from '@homelab/dashboard-api';
import { freePort, startOpenAiFake, type FakeChatRequest, type OpenAiFake } from '@homelab/testing';
import { startTracing } from '@homelab/tracing';
import { ConversationNotFoundError, TurnInProgressError } from '../conversation/conversation-errors.js';
import { ConversationRepository } from '../conversation/conversation.repository.js';
import { ApprovalWaiter } from '../guard/approval-waiter.js';
import { JarvisModelClient } from '../model/model-client.js';
import { jarvisTestDatabase, silentLogger, type JarvisTestDatabase } from '../testing/jarvis-db.test-helpers.js';
import type { JarvisTool, ToolUser } from '../tools/jarvis-tool.js';
import { JarvisToolRegistry } from '../tools/tool-registry.js';
import { newTraceId } from './conversation-trace.js';
import { JarvisEngine } from './jarvis-engine.js';
import type { TurnHandle } from './turn-handle.js';
import { APPROVAL_DECIDED, APPROVAL_REQUESTED } from './turn.js';

// Real: PostgreSQL, the `openai` client over HTTP, OpenTelemetry's context.
// Fake: the model (OpenAI-compatible server, scripted per test) and the
// tools (small typed ones here; the real ones have their own tests).
startTracing({ serviceName: 'jarvis-engine-spec', enabled: true });

const waiter = new ApprovalWaiter();
const approvalId = '0b8a4f52-8d7e-4c1b-9a3e-5f6d7c8b9a01';

const tools: JarvisTool[] = [
  {
    name: 'echo_tool',
    description: 'echoes',
    parameters: z.object({ text: z.string() }).strict(),
    readOnly: true,
    run: async (args: { text: string }) => ({ ok: true, content: { echo: args.text }, summary: `echoed ${args.text}` }),
  } as JarvisTool,
  {
    name: 'trace_tool',
    description: 'tells its trace id',
    parameters: z.object({}),
    readOnly: true,
    run: async () => ({ ok: true, content: { traceId: trace.getActiveSpan()?.spanContext().traceId ?? null } }),
  },
  {
    name: 'slow_tool',
    description: 'waits until stopped',
    parameters: z.object({}),
    readOnly: true,
    run: () => new Promise(() => undefined),
  },
  {
    name: 'throwing_tool',
    description: 'breaks',
    parameters: z.object({}),
    readOnly: true,
    run: async () => {
      throw new Error('disk on fire');
    },
  },
  {
    name: 'admin_tool',
    description: 'changes things',
    parameters: z.object({}),
    readOnly: false,
    run: async () => ({ ok: true, content: 'changed' }),
  },
  {
    name: 'approval_tool',
    description: 'waits for a human, like run_command',
    parameters: z.object({}),
    readOnly: false,
    run: async (_args, context) => {
      const approval = { approvalId, displayCommand: 'reboot', host: 'local', rule: 'r', reason: 'reboots', expiresAt: new Date(Date.now() + 60_000).toISOString(), decision: 'pending' as const, decidedBy: null };
      const decision = waiter.wait(approvalId, { signal: context.signal, timeoutMs: 10_000 });
      context.progress({ kind: APPROVAL_REQUESTED, message: 'waiting', data: { approval } });
      const decided = await decision;
      if (decided === 'timeout') return { ok: false, error: { code: 'APPROVAL_EXPIRED', message: 'nobody' } };
      context.progress({ kind: APPROVAL_DECIDED, message: `decided by ${decided.decidedBy}`, data: { approval: { ...approval, decision: 'approved', decidedBy: decided.decidedBy } } });
      return { ok: true, content: 'rebooted', summary: 'rebooted' };
    },
  },
];

function collect(handle: TurnHandle): Promise<JarvisTurnEvent[]> {
  const events: JarvisTurnEvent[] = [];
  handle.subscribe((event) => events.push(event));
  return handle.finished.then(() => events);
}

const names = (events: JarvisTurnEvent[]) => events.map((e) => e.event).filter((name, i, all) => name !== 'delta' || all[i - 1] !== 'delta');
const toolResults = (events: JarvisTurnEvent[]) => events.flatMap((e) => (e.event === 'tool_result' ? [e.data] : []));
const lastRequest = (fake: OpenAiFake): FakeChatRequest => fake.requests.at(-1) as FakeChatRequest;

describe('JarvisEngine', () => {
  let t: JarvisTestDatabase;
  let fake: OpenAiFake;
  let repository: ConversationRepository;
  let registry: JarvisToolRegistry;
  let engine: JarvisEngine;
  let admin: ToolUser;
  let viewer: ToolUser;
  let modelUnavailable = 0;

  const makeEngine = (baseUrl: string, over: Partial<ConstructorParameters<typeof JarvisEngine>[0]> = {}) =>
    new JarvisEngine({
      repository,
      model: new JarvisModelClient({ baseUrl, model: 'fake-model', timeoutMs: 5000, maxRetries: 0 }),
      registry,
      instanceId: 'replica-spec',
      logger: silentLogger(),
      maxToolRounds: 3,
      heartbeatMs: 100,
      flushMs: 20,
      onModelUnavailable: () => modelUnavailable++,
      ...over,
    });
  const conversation = async (user: ToolUser = admin, dryRun = false) => (await repository.create(user.id, { dryRun }, newTraceId())).id;

  beforeAll(async () => {
    t = await jarvisTestDatabase('jarvis_engine');
    fake = await startOpenAiFake();
    repository = new ConversationRepository(t.pool);
    registry = new JarvisToolRegistry();
    for (const tool of tools) registry.register(tool);
    engine = makeEngine(fake.baseUrl);
    admin = await t.user('admin');
    viewer = await t.user('viewer', 'viewer');
  });
  afterAll(async () => {
    await engine?.shutdown();
    await fake?.close();
    await t?.close();
  });

  it('streams an answer and stores the turn', async () => {
    fake.setScript(() => ({ text: 'Everything looks healthy.', chunkSize: 5 }));
    const id = await conversation();
    const events = await collect(await engine.startTurn(admin, id, 'How is the homelab?'));
    expect(names(events)).toEqual(['message', 'delta', 'done']);
    const text = events.flatMap((e) => (e.event === 'delta' ? [e.data.text] : [])).join('');
    expect(text).toBe('Everything looks healthy.');
    const messageId = events[0]?.event === 'message' ? events[0].data.id : '';
    expect(events.at(-1)).toEqual({ event: 'done', data: { messageId, status: 'done' } });

    const detail = await repository.detail(admin.id, id);
    expect(detail).toMatchObject({ title: 'How is the homelab?', status: 'idle' });
    expect(detail?.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'How is the homelab?', 'done'],
      ['assistant', 'Everything looks healthy.', 'done'],
    ]);
    const request = lastRequest(fake);
    expect(request.messages[0]?.role).toBe('system');
    expect(request.messages[0]?.content).toMatch(/You are Jarvis/);
    expect(request.messages[0]?.content).toMatch(/admin \(dashboard role: admin\)/);
    expect(request.messages.slice(1)).toEqual([{ role: 'user', content: 'How is the homelab?' }]);
    expect(request.tools.map((tool) => tool.function.name)).toEqual(tools.map((tool) => tool.name));
    expect(request.tools[0]?.function.parameters).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
  });

  it('runs the tools the model calls and hands their results back, then answers', async () => {
    fake.setScript((request, index) =>
      index === fake.requests.length - 1 && request.messages.at(-1)?.role === 'user'
        ? { text: 'Let me look.', toolCalls: [{ id: 'c1', name: 'echo_tool', arguments: { text: 'ping' } }, { id: 'c2', name: 'trace_tool', arguments: {} }] }
        : { text: 'Done: pong.' },
    );
    const id = await conversation();
    const { traceId } = (await repository.get(admin.id, id)) as { traceId: string };
    const events = await collect(await engine.startTurn(admin, id, 'echo ping'));
    expect(names(events)).toEqual(['message', 'delta', 'tool_call', 'tool_result', 'tool_call', 'tool_result', 'message', 'delta', 'done']);
    const [echo, traced] = toolResults(events);
    expect(echo).toMatchObject({ name: 'echo_tool', arguments: { text: 'ping' }, status: 'done', summary: 'echoed ping', result: { echo: 'ping' }, approval: null });
    // the tool ran in a span of the conversation's trace
    expect(traced?.result).toEqual({ traceId });

    const followUp = lastRequest(fake).messages.slice(-4);
    expect(followUp[0]).toMatchObject({ role: 'user', content: 'echo ping' });
    expect(followUp[1]).toMatchObject({ role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'c1', function: { name: 'echo_tool' } }, { id: 'c2' }] });
    expect(followUp[2]).toEqual({ role: 'tool', tool_call_id: 'c1', content: JSON.stringify({ ok: true, result: { echo: 'ping' } }) });
    expect(followUp[3]).toMatchObject({ role: 'tool', tool_call_id: 'c2' });

    const stored = (await repository.detail(admin.id, id))?.messages ?? [];
    expect(stored.map((m) => [m.role, m.content, m.toolCalls.map((c) => c.status)])).toEqual([
      ['user', 'echo ping', []],
      ['assistant', 'Let me look.', ['done', 'done']],
      ['assistant', 'Done: pong.', []],
    ]);

    // the next turn sees the whole history, tool results included
    fake.setScript(() => ({ text: 'Still pong.' }));
    await collect(await engine.startTurn(admin, id, 'again?'));
    expect(lastRequest(fake).messages.slice(1).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant', 'user']);
  });

  it('turns whatever the model gets wrong into an error result it reads, and carries on', async () => {
    fake.setScript((request) =>
      request.messages.at(-1)?.role === 'user'
        ? {
            toolCalls: [
              { id: 'a', name: 'no_such_tool', arguments: {} },
              { id: 'b', name: 'echo_tool', arguments: { wrong: 1 } },
              { id: 'c', name: 'echo_tool', arguments: '{"text": "unterminated' },
              { id: 'd', name: 'throwing_tool', arguments: {} },
            ],
          }
        : { text: 'Those did not work.' },
    );
    const id = await conversation();
    const events = await collect(await engine.startTurn(admin, id, 'break things'));
    const results = toolResults(events);
    expect(results.map((r) => [r.name, r.status, (r.result as { code: string }).code])).toEqual([
      ['no_such_tool', 'failed', 'UNKNOWN_TOOL'],
      ['echo_tool', 'failed', 'INVALID_ARGUMENTS'],
      ['echo_tool', 'failed', 'INVALID_ARGUMENTS'],
      ['throwing_tool', 'failed', 'TOOL_FAILED'],
    ]);
    expect(results[0]?.summary).toMatch(/"no_such_tool" does not exist\. Available tools: echo_tool, trace_tool/);
    expect(results[1]?.summary).toMatch(/text: /);
    expect(results[2]?.arguments).toBe('{"text": "unterminated');
    expect(results[3]?.summary).toBe('throwing_tool failed: disk on fire');
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'done' } });
    const shown = lastRequest(fake).messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content ?? '') as { ok: boolean; error: { code: string } });
    expect(shown.map((m) => [m.ok, m.error.code])).toEqual([
      [false, 'UNKNOWN_TOOL'],
      [false, 'INVALID_ARGUMENTS'],
      [false, 'INVALID_ARGUMENTS'],
      [false, 'TOOL_FAILED'],
    ]);
  });

  it('offers viewers the reading tools only, and refuses the others if the model calls them anyway', async () => {
    fake.setScript((request) => (request.messages.at(-1)?.role === 'user' ? { toolCalls: [{ name: 'admin_tool', arguments: {} }] } : { text: 'I cannot.' }));
    const id = await conversation(viewer);
    const events = await collect(await engine.startTurn(viewer, id, 'change something'));
    expect(fake.requests.at(-2)?.tools.map((tool) => tool.function.name)).toEqual(['echo_tool', 'trace_tool', 'slow_tool', 'throwing_tool']);
    expect(fake.requests.at(-2)?.messages[0]?.content).toMatch(/You can only read/);
    expect(toolResults(events)[0]).toMatchObject({ status: 'failed', result: { code: 'UNKNOWN_TOOL', message: expect.stringMatching(/is not available to viewers/) } });
    await expect(engine.startTurn(admin, id, 'mine?')).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('stops chaining tools after the configured rounds', async () => {
    fake.setScript(() => ({ toolCalls: [{ name: 'echo_tool', arguments: { text: 'again' } }] }));
    const before = fake.requests.length;
    const id = await conversation();
    const events = await collect(await engine.startTurn(admin, id, 'loop forever'));
    const requests = fake.requests.slice(before);
    expect(requests.map((r) => r.tools.length)).toEqual([tools.length, tools.length, tools.length, 0]);
    expect(toolResults(events).map((r) => r.status)).toEqual(['done', 'done', 'done', 'failed']);
    expect(toolResults(events)[3]?.result).toMatchObject({ code: 'TOOL_ROUNDS_EXHAUSTED' });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'done' } });
  });

  it('says plainly when the model cannot be reached, stores the failure, and the next message works', async () => {
    const port = await freePort();
    const offline = makeEngine(`http://127.0.0.1:${port}/v1`);
    const id = await conversation();
    const before = modelUnavailable;
    const events = await collect(await offline.startTurn(admin, id, 'anyone there?'));
    expect(names(events)).toEqual(['message', 'error', 'done']);
    const error = events[1]?.event === 'error' ? events[1].data : undefined;
    expect(error?.code).toBe('MODEL_UNAVAILABLE');
    expect(error?.message).toContain(`http://127.0.0.1:${port}/v1`);
    expect(error?.message).toContain('connection refused');
    expect(events[2]).toMatchObject({ data: { status: 'failed' } });
    expect(modelUnavailable).toBe(before + 1);
    const stored = await repository.detail(admin.id, id);
    expect(stored?.status).toBe('idle');
    expect(stored?.messages[1]).toMatchObject({ role: 'assistant', status: 'failed', error: error?.message });

    fake.setScript(() => ({ text: 'Back again.' }));
    const later = await collect(await engine.startTurn(admin, id, 'and now?'));
    expect(later.at(-1)).toMatchObject({ data: { status: 'done' } });
    // the failed round is not shown to the model
    expect(lastRequest(fake).messages.slice(1).map((m) => [m.role, m.content])).toEqual([
      ['user', 'anyone there?'],
      ['user', 'and now?'],
    ]);
  });

  it('stops while the model streams: the partial answer is kept as stopped', async () => {
    fake.setScript(() => ({ text: 'word '.repeat(400), chunkSize: 5, chunkDelayMs: 5 }));
    const id = await conversation();
    const handle = await engine.startTurn(admin, id, 'talk a lot');
    const events: JarvisTurnEvent[] = [];
    handle.subscribe((event) => {
      events.push(event);
      if (events.filter((e) => e.event === 'delta').length === 3) void engine.stop(admin, id);
    });
    await handle.finished;
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped' } });
    const stored = await repository.detail(admin.id, id);
    expect(stored?.status).toBe('idle');
    expect(stored?.messages[1]?.status).toBe('stopped');
    expect(stored?.messages[1]?.content.length).toBeGreaterThan(0);
    expect(stored?.messages[1]?.content.length).toBeLessThan(2000);
  });

  it('allows one turn at a time per conversation, and stops a waiting tool', async () => {
    fake.setScript((request) => (request.messages.at(-1)?.role === 'user' ? { toolCalls: [{ name: 'slow_tool', arguments: {} }, { name: 'echo_tool', arguments: { text: 'x' } }] } : { text: 'never' }));
    const id = await conversation();
    const handle = await engine.startTurn(admin, id, 'wait');
    const events = collect(handle);
    await expect(engine.startTurn(admin, id, 'again')).rejects.toBeInstanceOf(TurnInProgressError);
    // another replica sees the claim in the database
    const other = makeEngine(fake.baseUrl, { instanceId: 'replica-other' });
    await expect(other.startTurn(admin, id, 'again')).rejects.toBeInstanceOf(TurnInProgressError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await repository.get(admin.id, id))?.status).toBe('running');
    // a stop sent to the other replica reaches the one running the turn
    await other.stop(admin, id);
    const done = await events;
    expect(toolResults(done).map((r) => [r.name, r.status, (r.result as { code: string }).code])).toEqual([
      ['slow_tool', 'failed', 'STOPPED'],
      ['echo_tool', 'failed', 'STOPPED'],
    ]);
    expect(done.at(-1)).toMatchObject({ data: { status: 'stopped' } });
    expect((await repository.get(admin.id, id))?.status).toBe('idle');
  });

  it('shows a command waiting for approval, and continues once decided', async () => {
    fake.setScript((request) => (request.messages.at(-1)?.role === 'user' ? { toolCalls: [{ name: 'approval_tool', arguments: {} }] } : { text: 'Rebooted.' }));
    const id = await conversation();
    const handle = await engine.startTurn(admin, id, 'reboot');
    const seen: JarvisTurnEvent[] = [];
    handle.subscribe((event) => seen.push(event));
    const asked = await waitForEvent(seen, 'approval');
    expect(asked.data).toMatchObject({ approval: { approvalId, decision: 'pending' } });
    await expect.poll(async () => (await repository.get(admin.id, id))?.status).toBe('awaiting_approval');
    const waiting = (await repository.detail(admin.id, id))?.messages[1]?.toolCalls[0] as ToolCall;
    expect(waiting).toMatchObject({ status: 'awaiting_approval', approval: { approvalId } });

    waiter.decided({ id: approvalId, status: 'approved', decidedBy: 'carol' } as Parameters<ApprovalWaiter['decided']>[0]);
    await handle.finished;
    expect(names(seen)).toEqual(['message', 'tool_call', 'approval', 'tool_progress', 'tool_result', 'message', 'delta', 'done']);
    expect(toolResults(seen)[0]).toMatchObject({ status: 'done', approval: { decision: 'approved', decidedBy: 'carol' } });
    expect((await repository.get(admin.id, id))?.status).toBe('idle');
  });

  it('goes on when nobody listens, and ends turns cleanly on shutdown', async () => {
    fake.setScript(() => ({ text: 'stored anyway' }));
    const id = await conversation();
    const handle = await engine.startTurn(admin, id, 'I am leaving');
    await handle.finished;
    expect((await repository.detail(admin.id, id))?.messages[1]).toMatchObject({ content: 'stored anyway', status: 'done' });

    const closing = makeEngine(fake.baseUrl, { instanceId: 'replica-closing' });
    fake.setScript(() => ({ text: 'slow '.repeat(500), chunkDelayMs: 5 }));
    const long = await conversation();
    const running = await closing.startTurn(admin, long, 'long');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await closing.shutdown(3000);
    expect(running.isClosed).toBe(true);
    const stored = await repository.detail(admin.id, long);
    expect(stored?.status).toBe('idle');
    expect(stored?.messages[1]).toMatchObject({ status: 'stopped', error: 'The dashboard shut down during this answer' });
    await expect(closing.startTurn(admin, long, 'more')).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});

async function waitForEvent<N extends JarvisTurnEvent['event']>(events: JarvisTurnEvent[], name: N): Promise<Extract<JarvisTurnEvent, { event: N }>> {
  for (let i = 0; i < 200; i++) {
    const found = events.find((e): e is Extract<JarvisTurnEvent, { event: N }> => e.event === name);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${name} event`);
}
