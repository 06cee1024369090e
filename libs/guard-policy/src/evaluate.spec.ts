import { describe, expect, it } from 'vitest';
import { decide, defaultEvaluator, evaluatorFor } from './test-support.test-helpers.js';

describe('evaluation', () => {
  it('denies what does not parse, is empty, too long, or nests too deep', async () => {
    expect(await decide('echo "oops')).toMatchObject({ decision: 'deny', rule: 'guard:parse-error' });
    expect(await decide('sh -c "echo \\"oops"')).toMatchObject({ decision: 'deny', rule: 'guard:parse-error' });
    expect(await decide('')).toMatchObject({ decision: 'deny', rule: 'guard:empty' });
    expect(await decide('# nothing')).toMatchObject({ decision: 'deny', rule: 'guard:empty' });
    expect(await decide(`echo ${'x'.repeat(9000)}`)).toMatchObject({ decision: 'deny', rule: 'guard:too-long' });
    expect(await decide(`${'eval '.repeat(8)}ls`)).toMatchObject({ decision: 'deny', rule: 'guard:too-deep' });
  });

  it('never allows a program that comes from an expansion', async () => {
    for (const command of ['$X', '"$(which ls)" /', '`echo ls`', '${CMD} -la', 'x=ls; $x', '/bin/l? /']) {
      expect(await decide(command), command).toMatchObject({ decision: 'deny', rule: 'guard:dynamic-program' });
    }
  });

  it('never allows inline interpreter code', async () => {
    for (const command of ["python3 -c 'print(1)'", "perl -e 'print 1'", "ruby -e 'p 1'", "node -e '1'", "node -p '1'", "php -r 'echo 1;'", "lua -e 'x=1'", 'bash <<< "ls"', 'cat x | sh']) {
      const decision = await decide(command);
      expect(decision.decision, command).not.toBe('allow');
    }
  });

  it('judges the inner command of wrappers and the wrapper itself', async () => {
    expect((await decide('sudo ls /root')).decision).toBe('allow');
    expect((await decide('sudo rm -rf /')).decision).toBe('deny');
    expect(await decide('sudo -E ls')).toMatchObject({ decision: 'approval', rule: 'approve-sudo-environment' });
    const chroot = await decide('chroot /mnt ls');
    expect(chroot).toMatchObject({ decision: 'approval', rule: 'approve-privilege-tools' });
  });

  it('lists every simple command with the rules that fired', async () => {
    const decision = await decide('sudo rm -rf / && ls');
    expect(decision.commands.map((c) => [c.program, c.via, c.decision, c.transparent])).toEqual([
      ['sudo', [], null, true],
      ['rm', ['sudo'], 'deny', false],
      ['ls', [], 'allow', false],
    ]);
    expect(decision.commands[1]?.fired.map((f) => f.id)).toContain('deny-recursive-delete-system');
    expect(decision.checkpoint).toEqual({ paths: [], containers: [] });
  });

  it('explains a decision readably', async () => {
    const text = (await defaultEvaluator()).explain({ command: "sudo bash -c 'rm -rf /tmp/x; ls' > /tmp/log" });
    expect(text).toContain('decision: approval');
    expect(text).toMatch(/#0 sudo bash -c 'rm -rf \/tmp\/x; ls'/);
    expect(text).toMatch(/ {4}#1 bash -c 'rm -rf \/tmp\/x; ls'/);
    expect(text).toMatch(/ {8}#2 rm -rf \/tmp\/x\n.*program: rm/);
    expect(text).toContain('via: sudo → bash -c');
    expect(text).toContain('approve-file-changes: creates, deletes or changes files');
    expect(text).toContain('> (writes a file)');
    expect(text).toContain('checkpoint: paths: /tmp/x, /tmp/log');
  });

  it('stays fast on hostile input (no regex or parser blow-up)', async () => {
    const evaluator = await defaultEvaluator();
    const hostile = [
      `sed '${'s/'.repeat(3000)}'`,
      `sed 's/${'\\'.repeat(3000)}'`,
      `awk '${'print '.repeat(1300)}'`,
      `perl -e '${'fork '.repeat(1500)}'`,
      `echo ${'$('.repeat(400)}x${')'.repeat(400)}`,
      Array.from({ length: 250 }, () => 'ls').join(' | '),
      `socat file:${'x '.repeat(3000)}`,
      `rm -rf ${'/*'.repeat(2000)}`,
    ];
    for (const command of hostile) {
      const started = performance.now();
      const decision = evaluator.evaluate({ command });
      expect(performance.now() - started, command.slice(0, 30)).toBeLessThan(250);
      expect(['allow', 'approval', 'deny']).toContain(decision.decision);
    }
  });

  it('fails closed on input that is not a string', async () => {
    const evaluator = await defaultEvaluator();
    expect(evaluator.evaluate({ command: 42 as unknown as string })).toMatchObject({ decision: 'deny', rule: 'guard:internal-error' });
  });

  it('is a synchronous call after creation, and evaluators share the parser', async () => {
    const a = await evaluatorFor('  - { id: a, decision: allow, reason: a, match: { program: ls } }\n');
    const b = await evaluatorFor('  - { id: b, decision: deny, reason: b, match: { program: ls } }\n');
    expect(a.evaluate({ command: 'ls' }).decision).toBe('allow');
    expect(b.evaluate({ command: 'ls' }).decision).toBe('deny');
  });
});
