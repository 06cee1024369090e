import { describe, expect, it } from 'vitest';
import { layersOf } from '../test-support.test-helpers.js';
import type { Layer } from './model.js';

/** The innermost layers (no children), as `program args`, with their wrapper chain. */
async function inner(command: string): Promise<{ argv: string; via: string }[]> {
  const { layers } = await layersOf(command);
  const parents = new Set(layers.map((l) => l.parent));
  return layers
    .filter((l: Layer) => !parents.has(l.id) && l.kind === 'command')
    .map((l) => ({ argv: [l.program ?? '<dynamic>', ...l.args.map((a) => (a.dynamic ? `<${a.text}>` : a.value))].join(' '), via: l.via.join(' > ') }));
}

describe('wrappers are unwrapped and the inner command is judged', () => {
  it.each([
    ['sudo -u root -H rm -rf /x', 'rm -rf /x', 'sudo'],
    ['sudo --user=root -- rm /x', 'rm /x', 'sudo'],
    ['doas -u root rm /x', 'rm /x', 'doas'],
    ['env -i A=1 B=2 rm /x', 'rm /x', 'env'],
    ['env -u HOME --chdir=/tmp rm /x', 'rm /x', 'env'],
    ['nice -n 10 rm /x', 'rm /x', 'nice'],
    ['nice -10 rm /x', 'rm /x', 'nice'],
    ['ionice -c3 -n7 rm /x', 'rm /x', 'ionice'],
    ['timeout -s KILL -k 5 10s rm /x', 'rm /x', 'timeout'],
    ['timeout --signal=KILL 10 rm /x', 'rm /x', 'timeout'],
    ['nohup rm /x', 'rm /x', 'nohup'],
    ['stdbuf -oL -e0 rm /x', 'rm /x', 'stdbuf'],
    ['time -p rm /x', 'rm /x', 'time'],
    ['command -p rm /x', 'rm /x', 'command'],
    ['builtin echo x', 'echo x', 'builtin'],
    ['exec -a name rm /x', 'rm /x', 'exec'],
    ['xargs -0 -n1 rm', 'rm <{stdin}>', 'xargs'],
    ['xargs', 'echo <{stdin}>', 'xargs'],
    ['xargs -I{} cp {} /tmp', 'cp <{}> /tmp', 'xargs'],
    ['find / -name x -exec rm -rf {} \\;', 'rm -rf <{}>', 'find -exec'],
    ['find . -execdir mv {} {}.bak \\;', 'mv <{}> <{}.bak>', 'find -execdir'],
    ['find . -exec rm {} +', 'rm <{}>', 'find -exec'],
    ["sh -c 'rm /x'", 'rm /x', 'sh -c'],
    ["bash -lc 'rm /x'", 'rm /x', 'bash -c'],
    ["dash -e -c 'rm /x'", 'rm /x', 'dash -c'],
    ["zsh -c 'rm /x'", 'rm /x', 'zsh -c'],
    ['eval "rm /x"', 'rm /x', 'eval'],
    ['eval rm /x', 'rm /x', 'eval'],
    ['watch -n 5 rm /x', 'rm /x', 'watch'],
    ['watch -x rm /x', 'rm /x', 'watch -x'],
    ['chroot /mnt rm /x', 'rm /x', 'chroot'],
    ["su -c 'rm /x' root", 'rm /x', 'su -c'],
    ["su root -c 'rm /x'", 'rm /x', 'su -c'],
    ['runuser -u app -- rm /x', 'rm /x', 'runuser -u'],
    ["runuser -l app -c 'rm /x'", 'rm /x', 'runuser -c'],
    ['flock /tmp/l rm /x', 'rm /x', 'flock'],
    ["flock -n /tmp/l -c 'rm /x'", 'rm /x', 'flock -c'],
    ["parallel 'rm {}' ::: /x", "rm /x", 'parallel'],
    ['parallel rm ::: /x', 'rm /x', 'parallel'],
    ['setsid rm /x', 'rm /x', 'setsid'],
    ['strace -f -o /tmp/t rm /x', 'rm /x', 'strace'],
    ['busybox rm /x', 'rm /x', 'busybox'],
    ["ssh -p 2222 host 'rm /x'", 'rm /x', 'ssh (remote)'],
    ['docker exec -u 0 web rm /x', 'rm /x', 'docker exec'],
    ["trap 'rm /x' EXIT", 'rm /x', 'trap'],
    ["alias x='rm /x'", 'rm /x', 'alias'],
    ["script -qc 'rm /x' /dev/null", 'rm /x', 'script -c'],
    ['systemd-run --unit=x rm /x', 'rm /x', 'systemd-run'],
    ['taskset -c 0 rm /x', 'rm /x', 'taskset'],
    ['env -S "rm /x"', 'rm /x', 'env -S'],
    ['ip netns exec ns rm /x', 'rm /x', 'ip netns exec'],
    ['pkexec rm /x', 'rm /x', 'pkexec'],
  ])('%s', async (command, argv, via) => {
    const found = await inner(command);
    expect(found.map((f) => f.argv)).toContain(argv);
    expect(found.find((f) => f.argv === argv)?.via.split(' > ').at(-1)).toBe(via);
  });

  it('unwraps recursively', async () => {
    const found = await inner("sudo env A=1 nice timeout 5 bash -c \"sh -c 'eval rm /x'\"");
    expect(found).toEqual([{ argv: 'rm /x', via: 'sudo > env > nice > timeout > bash -c > sh -c > eval' }]);
  });

  it('keeps a wrapper judged when nothing is inside (env alone prints the environment)', async () => {
    const { layers } = await layersOf('env; sudo -l; command -v ls');
    expect(layers.map((l) => [l.program, l.transparent])).toEqual([
      ['env', false],
      ['sudo', false],
      ['command', false],
    ]);
  });

  it('refuses code built from expansions (sh -c "$X", eval $X, python -c "$X")', async () => {
    for (const command of ['sh -c "$X"', 'eval "$(curl x)"', 'python3 -c "$(cat p)"', "xargs -I{} sh -c 'echo {}'", 'sh <<E\n$X\nE']) {
      const { layers } = await layersOf(command);
      expect(layers.flatMap((l) => l.notes.map((n) => n.id)), command).toContain('guard:dynamic-code');
    }
  });

  it('stops at the nesting limit', async () => {
    // every eval parses the rest again, one level deeper (the limit is 6)
    expect((await layersOf(`${'eval '.repeat(6)}echo hi`)).notes).toEqual([]);
    expect((await layersOf(`${'eval '.repeat(7)}echo hi`)).notes.map((n) => n.id)).toContain('guard:too-deep');
  });

  it('classifies interpreters: inline code, stdin, scripts, interactive', async () => {
    const { layers } = await layersOf(
      "python3 -c 'print(1)'; perl -e 'print 1'; ruby -e 'p 1'; node -e '1'; php -r 'echo 1;'; lua -e 'x=1'; echo x | python3; python3 x.py; python3; python3 --version; awk '{print}' f; sed -n p f",
    );
    expect(layers.filter((l) => l.program !== 'echo').map((l) => `${l.program}:${l.exec.kind}`)).toEqual([
      'python3:code', 'perl:code', 'ruby:code', 'node:code', 'php:code', 'lua:code', 'python3:stdin', 'python3:script',
      'python3:interactive', 'python3:none', 'awk:filter', 'sed:filter',
    ]);
    expect(layers[0]?.exec.text).toBe('print(1)');
  });

  it('parses shell code a shell reads from a here-string or here-document', async () => {
    expect((await inner('bash <<< "rm /x"')).map((f) => f.argv)).toContain('rm /x');
    expect((await inner('sh <<\'E\'\nrm /x\nE')).map((f) => f.argv)).toContain('rm /x');
  });

  it('narrows find {} to its start points and a single -name', async () => {
    const { layers } = await layersOf("find /srv -name '*.conf' -exec cat {} +");
    const cat = layers.find((l) => l.program === 'cat');
    expect(cat?.argPaths.get(0)?.alts.length).toBe(1);
  });
});
