import { describe, expect, it } from 'vitest';
import { ToolCallAssembler } from './tool-call-assembler.js';

describe('ToolCallAssembler', () => {
  it('joins arguments sent in pieces, per index, in the order calls began', () => {
    const calls = new ToolCallAssembler();
    calls.push([{ index: 0, id: 'call_a', function: { name: 'run_command', arguments: '' } }]);
    calls.push([{ index: 1, id: 'call_b', function: { name: 'list_containers', arguments: '{' } }]);
    calls.push([{ index: 0, function: { arguments: '{"host":"lo' } }]);
    calls.push([{ index: 0, function: { arguments: 'cal","command":"uptime"}' } }, { index: 1, function: { arguments: '}' } }]);
    calls.push(null);
    expect(calls.finish()).toEqual([
      { id: 'call_a', name: 'run_command', arguments: '{"host":"local","command":"uptime"}' },
      { id: 'call_b', name: 'list_containers', arguments: '{}' },
    ]);
  });

  it('separates whole calls a server sends under one index, and makes ids unique', () => {
    const calls = new ToolCallAssembler();
    calls.push([{ index: 0, id: 'x', function: { name: 'a', arguments: '{}' } }]);
    calls.push([{ index: 0, id: 'y', function: { name: 'b', arguments: '{}' } }]);
    calls.push([{ index: 1, id: 'x', function: { name: 'c', arguments: '{}' } }]);
    calls.push([{ index: 2, function: { name: 'd' } }]);
    expect(calls.finish()).toEqual([
      { id: 'x', name: 'a', arguments: '{}' },
      { id: 'y', name: 'b', arguments: '{}' },
      { id: 'x_2', name: 'c', arguments: '{}' },
      { id: 'call_3', name: 'd', arguments: '' },
    ]);
  });
});
