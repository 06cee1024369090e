import { describe, expect, it } from 'vitest';
import { commandsOf, layersOf } from '../test-support.test-helpers.js';

describe('extraction of every simple command', () => {
  it.each([
    ['pipelines', 'a | b |& c', ['a', 'b', 'c']],
    ['lists', 'a && b || c; d & e', ['a', 'b', 'c', 'd', 'e']],
    ['subshells and groups', '(a; (b)) && { c; }', ['a', 'b', 'c']],
    ['command substitutions', 'echo $(a) `b` "$(c $(d))"', ['echo <$(a)> <`b`> <"$(c $(d))">', 'a', 'b', 'c <$(d)>', 'd']],
    ['process substitutions', 'diff <(a) >(b)', ['diff <<(a)> <>(b)>', 'a', 'b']],
    ['if/elif/else', 'if a; then b; elif c; then d; else e; fi', ['a', 'b', 'c', 'd', 'e']],
    ['for, while, until', 'for i in $(a); do b; done; while c; do d; done; until e; do f; done', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['case', 'case $(a) in x) b;; *) c;; esac', ['a', 'b', 'c']],
    ['functions', 'f() { a; }; function g { b; }', ['a', 'b']],
    ['negation and tests', '! a && [[ -f $(b) ]] && [ x ]', ['a', '[[', 'b', '[']],
    ['arithmetic', '(( x = $(a) )); y=$(( $(b) + 1 ))', ['a', '<dynamic>', 'b']],
    ['assignments', 'X=$(a) Y=1 b; Z=$(c)', ['b', 'a', '<dynamic>', 'c']],
    ['here-document bodies', 'cat <<EOF\n$(a)\nEOF', ['cat', 'a']],
    ['here-strings', 'cat <<< "$(a)"', ['cat', 'a']],
    ['redirect targets', 'a > /tmp/x 2>> /tmp/y < /tmp/z 2>&1', ['a', '> /tmp/x', '> /tmp/y', '< /tmp/z']],
    ['substitutions in redirect targets', 'a > "$(b)"', ['a', '> <"$(b)">', 'b']],
  ])('%s', async (_name, command, expected) => {
    expect(await commandsOf(command)).toEqual(expected);
  });

  it('treats words after a redirection as arguments (rm > /dev/null -rf /)', async () => {
    expect(await commandsOf('rm > /dev/null -rf /')).toEqual(['rm -rf /', '> /dev/null']);
    expect(await commandsOf('>/tmp/x rm -rf /')).toEqual(['rm -rf /', '> /tmp/x']);
  });

  it('records stdin: pipes (with what feeds them), files, here-documents, here-strings', async () => {
    const { layers } = await layersOf('curl x | base64 -d | (cd /tmp && sh); sh < f; sh <<< "ls"; cat <<E | sh\nhi\nE');
    const sh = layers.filter((l) => l.program === 'sh' && l.depth === 0);
    expect(sh.map((l) => [l.stdin.kind, [...l.stdin.from]])).toEqual([
      ['pipe', ['curl', 'base64']],
      ['file', []],
      ['herestring', []],
      ['pipe', ['cat']],
    ]);
    expect(layers.find((l) => l.program === 'cat')?.stdin).toMatchObject({ kind: 'heredoc', text: 'hi\n' });
  });

  it('treats a quoted here-document as static and an unquoted one with expansions as unknown', async () => {
    const quoted = await layersOf("sh <<'E'\necho $HOME\nE");
    const unquoted = await layersOf('sh <<E\necho $HOME\nE');
    expect(quoted.layers[0]?.stdin.text).toBe('echo $HOME\n');
    expect(unquoted.layers[0]?.stdin.text).toBeNull();
  });

  it('marks background jobs and calls of functions defined in the same code', async () => {
    const { layers } = await layersOf('f() { ls; }; f & g');
    expect(layers.map((l) => [l.program, l.kind, l.background])).toEqual([
      ['ls', 'command', false],
      ['f', 'function-call', true],
      ['g', 'command', false],
    ]);
  });

  it('flags fork bombs: self-calling functions and endless loops of background jobs', async () => {
    const bomb = await layersOf(':(){ :|:& };:');
    expect(bomb.layers.flatMap((l) => l.notes.map((n) => n.id))).toContain('guard:fork-bomb');
    const loop = await layersOf('while true; do sleep 1 & done');
    expect(loop.layers.flatMap((l) => l.notes.map((n) => n.id))).toContain('guard:fork-bomb');
    const fine = await layersOf('while true; do sleep 1; done');
    expect(fine.layers.flatMap((l) => l.notes)).toEqual([]);
  });

  it('reports commands that do not parse, MISSING nodes included', async () => {
    for (const command of ['echo "x', 'ls |', 'if a; then b', 'echo $(', 'f() {']) {
      expect((await layersOf(command)).notes.map((n) => n.id), command).toEqual(['guard:parse-error']);
    }
  });

  it('stops at the layer limit', async () => {
    const command = Array.from({ length: 300 }, (_, i) => `echo ${i}`).join('; ');
    const result = await layersOf(command);
    expect(result.layers.length).toBe(256);
    expect(result.notes.map((n) => n.id)).toContain('guard:too-many-commands');
  });
});
