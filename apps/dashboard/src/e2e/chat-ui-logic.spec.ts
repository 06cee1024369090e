// The pure logic behind the Jarvis, Home Assistant and Google pages of the web UI
// (apps/dashboard/web/src), tested here because this project's Vitest runs src/**;
// their behaviour in a browser is covered by the *-ui.int-spec.ts files beside this one.
import { describe, expect, it } from 'vitest';
import type { HaEntity, ToolCall } from '@homelab/dashboard-api';
import { createSseParser, type SseEvent } from '../../web/src/api/sse.js';
import { applyTurnEvent, toTurnEvent, viewOf, type ChatView, type ConversationDetail, type TurnEvent } from '../../web/src/lib/chat-turn.js';
import { formatCountdown } from '../../web/src/lib/format.js';
import { connectErrorText, scopeName } from '../../web/src/lib/google.js';
import { domainTitle, groupByDomain } from '../../web/src/lib/home-entities.js';

function parseAll(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('createSseParser', () => {
  it('reads named events with JSON data, skipping heartbeats', () => {
    const stream = ': heartbeat\n\nevent: message\ndata: {"id":"m1"}\n\nevent: delta\ndata: {"text":"Hel"}\n\n';
    expect(parseAll([stream])).toEqual([
      { event: 'message', data: '{"id":"m1"}' },
      { event: 'delta', data: '{"text":"Hel"}' },
    ]);
  });

  it('gives the same events however the bytes are cut, with CRLF, CR or LF line ends', () => {
    const stream = 'event: delta\r\ndata: {"text":"a"}\r\n\r\nevent: delta\rdata: {"text":"b"}\r\rdata: plain\n\n';
    const whole = parseAll([stream]);
    expect(whole).toEqual([
      { event: 'delta', data: '{"text":"a"}' },
      { event: 'delta', data: '{"text":"b"}' },
      { event: 'message', data: 'plain' },
    ]);
    for (let cut = 1; cut < stream.length; cut++) expect(parseAll([stream.slice(0, cut), stream.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    expect(parseAll(stream.split(''))).toEqual(whole);
  });

  it('joins data lines, takes a value without its one leading space, and drops a frame the stream cut off', () => {
    expect(parseAll(['data:a\ndata:  b\nid: 7\nretry: 10\n\nevent: done\ndata: {"x":1}'])).toEqual([{ event: 'message', data: 'a\n b' }]);
    // a blank line without data dispatches nothing and resets the event name
    expect(parseAll(['event: ignored\n\ndata: x\n\n'])).toEqual([{ event: 'message', data: 'x' }]);
  });
});

const conversation = (messages: ConversationDetail['messages'] = []): ConversationDetail => ({
  id: 'c1',
  title: 'Disk space',
  dryRun: false,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  status: 'running',
  messages,
});

const runCommand = (overrides: Partial<ToolCall> = {}): ToolCall => ({
  id: 't1',
  name: 'run_command',
  arguments: { host: 'local', command: 'df -h' },
  status: 'running',
  summary: null,
  result: null,
  approval: null,
  ...overrides,
});

function replay(view: ChatView, frames: [string, unknown][]): ChatView {
  return frames.reduce((current, [name, data]) => {
    const event = toTurnEvent(name, JSON.stringify(data));
    expect(event, name).not.toBeNull();
    return applyTurnEvent(current, event as TurnEvent);
  }, view);
}

describe('applyTurnEvent', () => {
  const user = { id: 'u1', role: 'user' as const, content: 'How full are the disks?', createdAt: '2026-01-01T10:00:00.000Z', status: 'done' as const, error: null, toolCalls: [] };

  it('builds the streamed answer: text, a tool call waiting for approval, its result, the end', () => {
    const approval = { approvalId: 'a1', displayCommand: 'df -h', host: 'local', rule: 'default', reason: 'No rule covers df', expiresAt: '2026-01-01T10:15:00.000Z', decision: 'pending', decidedBy: null };
    let view = replay(viewOf(conversation([user])), [
      ['message', { id: 'm1' }],
      ['delta', { text: 'Let me ' }],
      ['delta', { text: 'check.' }],
      ['tool_call', runCommand()],
      ['tool_progress', { toolCallId: 't1', kind: 'guard', message: 'asking the guard' }],
      ['approval', { toolCallId: 't1', approval }],
    ]);
    expect(view.streamingId).toBe('m1');
    expect(view.conversation.status).toBe('awaiting_approval');
    const answer = view.conversation.messages[1];
    expect(answer?.content).toBe('Let me check.');
    expect(answer?.toolCalls).toEqual([{ ...runCommand(), status: 'awaiting_approval', approval }]);
    expect(view.progress).toEqual({ t1: 'asking the guard' });

    view = replay(view, [
      ['tool_result', runCommand({ status: 'done', summary: 'exit 0', result: { stdout: '/dev/sda1 40%' }, approval: { ...approval, decision: 'approved', decidedBy: 'admin' } })],
      ['delta', { text: ' The disk is 40 % full.' }],
    ]);
    expect(view.conversation.status).toBe('running');
    expect(view.progress).toEqual({});
    view = replay(view, [['done', { messageId: 'm1', status: 'done' }]]);
    expect(view.conversation.status).toBe('idle');
    expect(view.streamingId).toBeNull();
    const done = view.conversation.messages[1];
    expect(done?.status).toBe('done');
    expect(done?.content).toBe('Let me check. The disk is 40 % full.');
    expect(done?.toolCalls.map((call) => [call.status, call.summary, call.approval?.decision])).toEqual([['done', 'exit 0', 'approved']]);
  });

  it('says a turn’s error in words, marks the message failed and frees the chat', () => {
    const view = replay(viewOf(conversation([user])), [
      ['message', { id: 'm1' }],
      ['error', { code: 'MODEL_UNAVAILABLE', message: 'No model answers at http://127.0.0.1:9/v1.' }],
    ]);
    expect(view.error).toEqual({ code: 'MODEL_UNAVAILABLE', message: 'No model answers at http://127.0.0.1:9/v1.' });
    expect(view.conversation.status).toBe('idle');
    expect(view.conversation.messages[1]).toMatchObject({ status: 'failed', error: 'No model answers at http://127.0.0.1:9/v1.' });
  });

  it('keeps a stopped message’s text', () => {
    const view = replay(viewOf(conversation([user])), [
      ['message', { id: 'm1' }],
      ['delta', { text: 'Counting' }],
      ['done', { messageId: 'm1', status: 'stopped' }],
    ]);
    expect(view.conversation.messages[1]).toMatchObject({ content: 'Counting', status: 'stopped' });
  });

  it('ignores frames it cannot read instead of failing the page', () => {
    expect(toTurnEvent('delta', 'not json')).toBeNull();
    expect(toTurnEvent('delta', '{"text":5}')).toBeNull();
    expect(toTurnEvent('tool_call', '{"id":"t1"}')).toBeNull();
    expect(toTurnEvent('something_new', '{}')).toBeNull();
    expect(toTurnEvent('done', '{"messageId":"m1","status":"weird"}')).toEqual({ type: 'done', messageId: 'm1', status: 'done' });
    // a delta without a message frame first has nowhere to go
    const view = viewOf(conversation([user]));
    expect(applyTurnEvent(view, { type: 'delta', text: 'x' })).toBe(view);
  });
});

describe('small helpers of the new pages', () => {
  it('counts an approval down in minutes and seconds', () => {
    expect(formatCountdown(899)).toBe('14:59');
    expect(formatCountdown(5)).toBe('0:05');
    expect(formatCountdown(3723)).toBe('1:02:03');
    expect(formatCountdown(-3)).toBe('0:00');
  });

  it('groups Home Assistant entities: lights and switches first, names sorted, unknown domains titled', () => {
    const entity = (entityId: string, name: string): HaEntity => ({
      entityId,
      domain: entityId.split('.')[0] ?? '',
      name,
      state: 'on',
      unit: null,
      lastChanged: '2026-01-01T10:00:00.000Z',
      toggleable: true,
    });
    const groups = groupByDomain([entity('sensor.temp', 'Temperature'), entity('light.b', 'Bedroom'), entity('vacuum.robo', 'Robo'), entity('light.a', 'Attic'), entity('switch.fan', 'Fan')]);
    expect(groups.map(([domain, members]) => [domain, members.map((member) => member.name)])).toEqual([
      ['light', ['Attic', 'Bedroom']],
      ['switch', ['Fan']],
      ['sensor', ['Temperature']],
      ['vacuum', ['Robo']],
    ]);
    expect(domainTitle('binary_sensor')).toBe('Binary sensors');
    expect(domainTitle('water_heater')).toBe('Water heater');
  });

  it('names Google scopes and explains a failed connection', () => {
    expect(scopeName('https://www.googleapis.com/auth/gmail.metadata')).toBe('gmail.metadata');
    expect(scopeName('openid')).toBe('openid');
    expect(connectErrorText('access_denied')).toMatch(/declined/);
    expect(connectErrorText('STATE_MISMATCH')).toMatch(/another browser/);
    expect(connectErrorText('whatever')).toMatch(/failed/);
  });
});
