import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OutputCollector, outputDigest } from './output.js';

describe('OutputCollector', () => {
  it('keeps everything under the cap', () => {
    const out = new OutputCollector(100);
    out.push('stdout', Buffer.from('hello '));
    out.push('stderr', Buffer.from('oops'));
    out.push('stdout', Buffer.from('world'));
    expect(out.result()).toMatchObject({ stdout: 'hello world', stderr: 'oops', truncated: false });
  });

  it('keeps the first N bytes across both streams and marks the rest as cut', () => {
    const out = new OutputCollector(10);
    out.push('stdout', Buffer.from('12345678'));
    out.push('stderr', Buffer.from('abcdef'));
    out.push('stdout', Buffer.from('never kept'));
    const result = out.result();
    expect(result.stdout).toBe('12345678');
    expect(result.stderr).toBe('ab');
    expect(result.truncated).toBe(true);
  });

  it('marks truncation even when the cap is hit exactly and more arrives', () => {
    const out = new OutputCollector(4);
    out.push('stdout', Buffer.from('1234'));
    expect(out.truncated).toBe(false);
    out.push('stdout', Buffer.from('5'));
    expect(out.truncated).toBe(true);
  });

  it('digests the returned output so that it can be recomputed, and tells the streams apart', () => {
    const out = new OutputCollector(100);
    out.push('stdout', Buffer.from('ab'));
    const { outputSha256 } = out.result();
    expect(outputSha256).toBe(createHash('sha256').update('["ab",""]').digest('hex'));
    expect(outputDigest('ab', '')).not.toBe(outputDigest('a', 'b'));
  });
});
