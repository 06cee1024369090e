import { describe, expect, it } from 'vitest';
import { decide } from './test-support.test-helpers.js';
import { escapeForDisplay, scanUnicode } from './unicode.js';

describe('hidden and look-alike characters', () => {
  it('escapes everything but printable ASCII and newlines for approvers', () => {
    expect(escapeForDisplay('ls -la /tmp')).toBe('ls -la /tmp');
    expect(escapeForDisplay('echo "\u202egnp.exe"')).toBe('echo "\\u202egnp.exe"');
    expect(escapeForDisplay('r\u200bm\tx\ny')).toBe('r\\u200bm\\tx\ny');
    expect(escapeForDisplay('r\u043c -rf /')).toBe('r\\u043c -rf /');
    expect(escapeForDisplay('\u{e0041}')).toBe('\\u{e0041}');
  });

  it('finds hidden characters and non-ASCII text', () => {
    expect(scanUnicode('ls')).toEqual({ hidden: [], nonAscii: false });
    expect(scanUnicode('caf\u00e9')).toEqual({ hidden: [], nonAscii: true });
    expect(scanUnicode('a\u202eb\u2066c\u200b\ufeff\u00a0\r\u0007')).toEqual({ hidden: [0x202e, 0x2066, 0x200b, 0xfeff, 0xa0, 0x0d, 0x07], nonAscii: true });
  });

  it.each([
    ['bidi override', 'ls \u202e/etc', '\\u202e'],
    ['bidi isolate', 'cat /etc/\u2066shadow\u2069', '\\u2066 \\u2069'],
    ['zero-width space', 'r\u200bm -rf /', '\\u200b'],
    ['byte order mark', '\ufeffls', '\\ufeff'],
    ['no-break space', 'ls\u00a0/', '\\u00a0'],
    ['carriage return', 'echo safe\r', '\\u000d'],
  ])('refuses a %s and names the code points', async (_name, command, shown) => {
    const decision = await decide(command);
    expect(decision).toMatchObject({ decision: 'deny', rule: 'guard:hidden-characters' });
    expect(decision.reason).toContain(shown);
    expect(decision.displayCommand).not.toMatch(/[\u0080-\uffff\r]/);
  });

  it('refuses look-alike letters in a program name and asks about them elsewhere', async () => {
    expect(await decide('r\u043c -rf /tmp/x')).toMatchObject({ decision: 'deny', rule: 'guard:homoglyph' });
    expect(await decide('echo "h\u00e9llo"')).toMatchObject({ decision: 'approval', rule: 'guard:non-ascii', displayCommand: 'echo "h\\u00e9llo"' });
  });
});
