import { describe, expect, it } from 'vitest';
import { createGuardEvaluator } from '../evaluate.js';
import { evaluatorFor } from '../test-support.test-helpers.js';
import { parsePolicy } from './load.js';

describe('rule semantics', () => {
  it('deny wins over approval over allow, and the decision names the rule', async () => {
    const evaluator = await evaluatorFor(`
  - { id: allow-rm, decision: allow, reason: fine, match: { program: rm } }
  - { id: approve-rm, decision: approval, reason: ask, match: { program: rm } }
  - { id: deny-root, decision: deny, reason: never the root, match: { program: rm, paths: { any: [/] } } }
`);
    const root = evaluator.evaluate({ command: 'rm /' });
    expect([root.decision, root.rule]).toEqual(['deny', 'deny-root']);
    expect(root.reason).toContain('never the root');
    expect(root.commands[0]?.fired.map((f) => f.id)).toEqual(['allow-rm', 'approve-rm', 'deny-root']);
    expect(evaluator.evaluate({ command: 'rm /tmp/x' })).toMatchObject({ decision: 'approval', rule: 'approve-rm' });
  });

  it('asks for approval when no rule covers a command, and takes the strictest of all commands', async () => {
    const evaluator = await evaluatorFor('  - { id: allow-ls, decision: allow, reason: ok, match: { program: ls } }\n');
    expect(evaluator.evaluate({ command: 'ls' })).toMatchObject({ decision: 'allow', rule: 'allow-ls' });
    expect(evaluator.evaluate({ command: 'frobnicate' })).toMatchObject({ decision: 'approval', rule: 'default' });
    expect(evaluator.evaluate({ command: 'ls && frobnicate' })).toMatchObject({ decision: 'approval', rule: 'default' });
  });

  it('matches subcommands, combined short flags, long flags with values and abbreviations', async () => {
    const evaluator = await evaluatorFor(`
  - { id: docker-ps, decision: allow, reason: ok, match: { program: docker, subcommand: [ps, compose ps] } }
  - { id: rm-r, decision: deny, reason: recursive, match: { program: rm, flags: { any: [-r, --recursive] } } }
  - { id: curl-data, decision: deny, reason: upload, match: { program: curl, options: [{ name: [-d, --data], value: '^@' }] } }
`);
    expect(evaluator.evaluate({ command: 'docker ps -a' }).decision).toBe('allow');
    expect(evaluator.evaluate({ command: 'docker compose ps' }).decision).toBe('allow');
    expect(evaluator.evaluate({ command: 'docker compose up' }).decision).toBe('approval');
    for (const command of ['rm -rf x', 'rm -fr x', 'rm -f -r x', 'rm --recursive x', 'rm --recur x']) {
      expect(evaluator.evaluate({ command }).rule, command).toBe('rm-r');
    }
    expect(evaluator.evaluate({ command: 'rm -- -r' }).rule).toBe('default');
    for (const command of ['curl -d @f x', 'curl -d@f x', 'curl -sd@f x', 'curl --data=@f x', 'curl --data @f x']) {
      expect(evaluator.evaluate({ command }).rule, command).toBe('curl-data');
    }
    expect(evaluator.evaluate({ command: 'curl -d a=1 x' }).rule).toBe('default');
  });

  it('a deny rule that only possibly matches (expansion, relative path) asks for approval; an allow rule needs certainty', async () => {
    const evaluator = await evaluatorFor(`
  - { id: allow-cat, decision: allow, reason: ok, match: { program: cat } }
  - { id: deny-shadow, decision: deny, reason: secret, match: { program: cat, paths: { any: [/etc/shadow] } } }
  - { id: allow-tmp-writes, decision: allow, reason: scratch, match: { program: touch, paths: { within: ['/tmp/**'] } } }
`);
    expect(evaluator.evaluate({ command: 'cat /etc/shadow' }).decision).toBe('deny');
    const possible = evaluator.evaluate({ command: 'cat "$F"' });
    expect(possible.decision).toBe('approval');
    expect(possible.commands[0]?.fired.find((f) => f.id === 'deny-shadow')).toMatchObject({ decision: 'approval', certain: false });
    expect(evaluator.evaluate({ command: 'cat shadow' }).decision).toBe('approval');
    expect(evaluator.evaluate({ command: 'cat /etc/hosts' }).decision).toBe('allow');
    expect(evaluator.evaluate({ command: 'touch /tmp/a /tmp/b/c' }).decision).toBe('allow');
    expect(evaluator.evaluate({ command: 'touch /tmp/a /var/b' }).decision).toBe('approval');
    expect(evaluator.evaluate({ command: 'touch a' }).decision).toBe('approval');
    expect(evaluator.evaluate({ command: 'touch /tmp/../etc/x' }).decision).toBe('approval');
  });

  it('matches host and role; unknown ones only count for restrictive rules', async () => {
    const evaluator = await evaluatorFor(`
  - { id: allow-restart-lab, decision: allow, reason: lab, match: { program: systemctl, host: ['lab-*'], role: [admin] } }
  - { id: deny-prod-reboot, decision: deny, reason: not on prod, match: { program: reboot, host: ['prod-*'] } }
`);
    expect(evaluator.evaluate({ command: 'systemctl restart x', host: 'lab-1', role: 'admin' }).decision).toBe('allow');
    expect(evaluator.evaluate({ command: 'systemctl restart x', host: 'lab-1', role: 'viewer' }).decision).toBe('approval');
    expect(evaluator.evaluate({ command: 'systemctl restart x', host: 'prod-1', role: 'admin' }).decision).toBe('approval');
    expect(evaluator.evaluate({ command: 'systemctl restart x', role: 'admin' }).decision).toBe('approval');
    expect(evaluator.evaluate({ command: 'reboot', host: 'prod-db' }).decision).toBe('deny');
    expect(evaluator.evaluate({ command: 'reboot', host: 'lab-1' }).decision).toBe('approval');
    expect(evaluator.evaluate({ command: 'reboot' })).toMatchObject({ decision: 'approval', rule: 'deny-prod-reboot' });
  });

  it('matches environment assignments on the command, its wrappers and export', async () => {
    const evaluator = await evaluatorFor(`
  - { id: allow-ls, decision: allow, reason: ok, match: { program: [ls, env, sudo] } }
  - { id: allow-shell-state, decision: allow, reason: ok, match: { kind: [assignment, declaration] } }
  - { id: deny-preload, decision: deny, reason: preload, match: { env: ['LD_*'] } }
`);
    for (const command of ['LD_PRELOAD=/x ls', 'env LD_PRELOAD=/x ls', 'sudo LD_AUDIT=/x ls', 'export LD_PRELOAD=/x', 'LD_PRELOAD=/x']) {
      expect(evaluator.evaluate({ command }).rule, command).toBe('deny-preload');
    }
    expect(evaluator.evaluate({ command: 'LD_PRELOAD=/x LD_LIBRARY_PATH=/y ls' }).reason).toMatch(/^preload \(LD_PRELOAD, LD_LIBRARY_PATH\)/);
    expect(evaluator.evaluate({ command: 'LANG=C ls' }).decision).toBe('allow');
    // the guard's own check still asks about PATH even though no rule names it
    expect(evaluator.evaluate({ command: 'PATH=/tmp ls' })).toMatchObject({ decision: 'approval', rule: 'guard:environment' });
  });

  it('computes checkpoints from touches and the arguments', async () => {
    const evaluator = await evaluatorFor(`
  - { id: edit, decision: approval, reason: edit, match: { program: sed, flags: { any: [-i] } }, touches: { paths: [$PATH_ARGS] } }
  - { id: copy, decision: approval, reason: copy, match: { program: cp }, touches: { paths: [$LAST_ARG] } }
  - { id: restart, decision: approval, reason: restart, match: { program: docker, subcommand: [restart, container restart] }, touches: { containers: [$ARGS] } }
  - { id: nginx, decision: approval, reason: nginx, match: { program: systemctl }, touches: { paths: [/etc/nginx/nginx.conf] } }
  - { id: write, decision: approval, reason: write, match: { program: '>' }, touches: { paths: [$PATH_ARGS] } }
`);
    expect(evaluator.evaluate({ command: "sed -i 's/a/b/' /etc/nginx/nginx.conf" }).checkpoint).toEqual({ paths: ['/etc/nginx/nginx.conf'], containers: [] });
    expect(evaluator.evaluate({ command: 'cp /tmp/a /etc//x/../y' }).checkpoint.paths).toEqual(['/etc/y']);
    expect(evaluator.evaluate({ command: 'docker restart web' }).checkpoint).toEqual({ paths: [], containers: ['web'] });
    expect(evaluator.evaluate({ command: 'docker container restart web db' }).checkpoint.containers).toEqual(['web', 'db']);
    expect(evaluator.evaluate({ command: 'systemctl restart nginx' }).checkpoint.paths).toEqual(['/etc/nginx/nginx.conf']);
    expect(evaluator.evaluate({ command: 'echo x > /etc/motd && sed -i s/a/b/ /etc/hosts' }).checkpoint.paths).toEqual(['/etc/motd', '/etc/hosts']);
    // unknown paths cannot be snapshotted by name
    expect(evaluator.evaluate({ command: 'sed -i s/a/b/ "$F" rel.conf' }).checkpoint.paths).toEqual([]);
  });

  it('uses programs: value options for subcommands and operands', async () => {
    const evaluator = await evaluatorFor(`
  - { id: allow-ps, decision: allow, reason: ok, match: { program: docker, subcommand: [ps] } }
  - { id: many, decision: deny, reason: many, match: { program: docker, subcommand: [rm], args: { min: 2 } } }
`);
    expect(evaluator.evaluate({ command: 'docker --context prod ps' }).decision).toBe('approval');
    const withSyntax = parsePolicy(
      `version: 1
programs:
  docker: { valueOptions: [--context], subcommands: { rm: [] } }
rules:
  - { id: allow-ps, decision: allow, reason: ok, match: { program: docker, subcommand: [ps] } }
  - { id: many, decision: deny, reason: many, match: { program: docker, subcommand: [rm], args: { min: 2 } } }
`,
      'p.yaml',
    );
    const better = await createGuardEvaluator(withSyntax);
    expect(better.evaluate({ command: 'docker --context prod ps' }).decision).toBe('allow');
    expect(better.evaluate({ command: 'docker rm -f a b' }).decision).toBe('deny');
    expect(better.evaluate({ command: 'docker rm -f a' }).decision).toBe('approval');
  });
});
