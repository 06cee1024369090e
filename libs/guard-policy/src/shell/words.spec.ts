import { describe, expect, it } from 'vitest';
import { commandsOf, layersOf } from '../test-support.test-helpers.js';
import { decodeAnsiC, hasUnquotedGlob, tildePrefix } from './words.js';

describe('quote and escape resolution', () => {
  it.each([
    ["r''m -rf /", 'rm -rf /'],
    ['\\rm -rf /', 'rm -rf /'],
    ['"rm" -rf /', 'rm -rf /'],
    ["'rm' -rf /", 'rm -rf /'],
    ['r""m -r\\f /', 'rm -rf /'],
    ["$'\\x72\\x6d' -rf /", 'rm -rf /'],
    ["$'\\162\\155' x", 'rm x'],
    ["$'\\u0072m' x", 'rm x'],
    ['$"rm" x', 'rm x'],
    ['"r"\'m\' x', 'rm x'],
    ['r\\\nm x', 'rm x'],
    ['rm -r\\\nf /', 'rm -rf /'],
    ['rm \\\n-rf /', 'rm -rf /'],
    ['echo "a\\"b" \'c\\d\'', 'echo a"b c\\d'],
    ['echo "\\$HOME" "\\x"', 'echo $HOME \\x'],
    ['echo "$"rm', 'echo $rm'],
    ['echo a\\ b', 'echo a b'],
  ])('%s', async (command, expected) => {
    expect((await commandsOf(command))[0]).toBe(expected);
  });

  it('keeps expansions unknown instead of guessing', async () => {
    expect(await commandsOf('echo "$HOME" ${X:-y} $(id) `id` $((1+2))')).toEqual([
      'echo <"$HOME"> <${X:-y}> <$(id)> <`id`> <$((1+2))>',
      'id',
      'id',
    ]);
  });

  it('joins words that touch into one word (concatenations and $"…")', async () => {
    const { layers } = await layersOf('echo a"b"\'c\'$x');
    expect(layers[0]?.args).toHaveLength(1);
    expect(layers[0]?.args[0]?.dynamic).toBe(true);
  });

  it('decodes ANSI-C escapes like bash, a NUL ends the string', () => {
    expect(decodeAnsiC('\\x41\\102\\u263a\\n\\t\\e\\cA')).toBe('AB\u263a\n\t\x1b\x01');
    expect(decodeAnsiC('ab\\0cd')).toBe('ab');
    expect(decodeAnsiC("it\\'s")).toBe("it's");
  });

  it('tells quoted from unquoted glob characters and tildes', async () => {
    const { layers } = await layersOf('ls * "*" \\* ~ "~" ~bob/x {a,b} "{a,b}" {1..3}');
    const args = layers[0]?.args ?? [];
    expect(args.map((a) => hasUnquotedGlob(a))).toEqual([true, false, false, false, false, false, true, false, true]);
    expect(args.map((a) => tildePrefix(a)?.user ?? null)).toEqual([null, null, null, '', null, 'bob', null, null, null]);
  });

  it('normalises program paths but reports the basename and the path', async () => {
    const { layers } = await layersOf('/usr/bin/../bin//rm x; ./rm y; rm z');
    expect(layers.map((l) => [l.program, l.programPath])).toEqual([
      ['rm', '/usr/bin/rm'],
      ['rm', './rm'],
      ['rm', null],
    ]);
  });

  it('leaves the program unknown when it comes from an expansion, a glob or a tilde', async () => {
    const { layers } = await layersOf('$X a; "$(echo rm)" b; /bin/r? c; ~/bin/x d; x{a,b} e');
    expect(layers.filter((l) => l.kind === 'command' && l.programWord?.text !== 'echo').map((l) => l.program)).toEqual([null, null, null, null, null]);
  });
});
