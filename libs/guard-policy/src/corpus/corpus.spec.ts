import { describe, expect, it } from 'vitest';
import { defaultEvaluator, loadCorpus } from '../test-support.test-helpers.js';

const corpus = loadCorpus();
const classes = [...new Set(corpus.map((c) => c.cls))];

describe('default policy corpus', () => {
  it('is large enough and covers every bypass class', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(corpus.filter((c) => c.expect === 'allow').length).toBeGreaterThanOrEqual(60);
    for (const cls of [
      'recursive-delete', 'disk-wipe', 'fork-bomb', 'ssh-firewall', 'auth-files', 'secrets', 'exfiltration', 'reverse-shell',
      'download-execute', 'obfuscation', 'privileged-container', 'mass-removal', 'env-injection', 'gtfobins', 'quoting-bypass',
      'wrapper-bypass', 'dynamic-program', 'unicode', 'parse-error', 'inline-code',
    ]) {
      expect(classes, cls).toContain(cls);
    }
  });

  for (const cls of classes) {
    describe(cls, () => {
      const cases = corpus.filter((c) => c.cls === cls);
      it.each(cases.map((c) => [JSON.stringify(c.command), c] as const))('%s', async (_name, c) => {
        const evaluator = await defaultEvaluator();
        const decision = evaluator.evaluate({ command: c.command, host: c.host, role: c.role });
        const got = `${decision.decision} (rule ${decision.rule}: ${decision.reason})`;
        expect(got, `[${c.cls}] \`${c.command}\``).toMatch(new RegExp(`^${c.expect} `));
      });
    });
  }
});
