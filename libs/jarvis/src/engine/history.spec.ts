import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../conversation/conversation.repository.js';
import { toModelMessages } from './history.js';
import { systemPrompt } from './system-prompt.js';
import type { JarvisTool } from '../tools/jarvis-tool.js';

const message = (over: Partial<StoredMessage>): StoredMessage => ({ id: 'm', role: 'assistant', content: '', createdAt: '', status: 'done', error: null, toolCalls: [], ...over });

describe('toModelMessages', () => {
  it('answers every tool call, also the interrupted ones, and leaves out rounds that said nothing', () => {
    const messages = toModelMessages([
      message({ role: 'user', content: 'restart nginx' }),
      message({
        content: 'Trying.',
        status: 'stopped',
        toolCalls: [
          { id: '1', modelCallId: 'call_1', name: 'run_command', arguments: { host: 'local', command: 'x' }, status: 'denied', summary: 'no', result: { code: 'COMMAND_DENIED', message: 'no' }, approval: null },
          { id: '2', modelCallId: 'call_2', name: 'run_command', arguments: 'broken {', status: 'awaiting_approval', summary: null, result: null, approval: null },
        ],
      }),
      message({ status: 'failed', error: 'model down' }),
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'restart nginx' },
      {
        role: 'assistant',
        content: 'Trying.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'run_command', arguments: '{"host":"local","command":"x"}' } },
          { id: 'call_2', type: 'function', function: { name: 'run_command', arguments: 'broken {' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"ok":false,"error":{"code":"COMMAND_DENIED","message":"no"}}' },
      { role: 'tool', tool_call_id: 'call_2', content: '{"ok":false,"error":{"code":"INTERRUPTED","message":"The tool call did not finish"}}' },
    ]);
  });
});

describe('systemPrompt', () => {
  const tool = (name: string): JarvisTool => ({ name, description: `${name} does it`, readOnly: name !== 'run_command' } as JarvisTool);
  const now = new Date('2026-12-01T00:00:00Z');

  it('tells the model about the guard and to report its decisions truthfully', () => {
    const text = systemPrompt({ user: { id: '1', username: 'alice', role: 'admin' }, tools: [tool('run_command'), tool('host_metrics')], dryRun: true, now });
    expect(text).toContain('- run_command: run_command does it');
    expect(text).toMatch(/Every command goes to jarvis-guard/);
    expect(text).toMatch(/Report what the guard decided truthfully/);
    expect(text).toMatch(/dry-run mode/);
    expect(text).toContain('2026-12-01T00:00:00.000Z');
  });

  it('tells a viewer\'s model that it can only read', () => {
    const text = systemPrompt({ user: { id: '1', username: 'bob', role: 'viewer' }, tools: [tool('host_metrics')], dryRun: false, now });
    expect(text).toMatch(/You can only read/);
    expect(text).not.toMatch(/jarvis-guard, which judges/);
  });
});
