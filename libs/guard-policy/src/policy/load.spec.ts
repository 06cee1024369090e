import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyPath } from '../index.js';
import { loadPolicy, parsePolicy, PolicyError } from './load.js';

function problem(yaml: string): string {
  try {
    parsePolicy(yaml, 'policy.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).message;
  }
  throw new Error('the policy was accepted');
}

const rule = (fields: string) => `version: 1\nrules:\n  - id: r1\n    reason: because\n${fields}`;

describe('policy validation', () => {
  it('loads the shipped default policy', async () => {
    const policy = await loadPolicy(defaultPolicyPath);
    expect(policy.rules.length).toBeGreaterThan(80);
    expect(policy.settings.defaultDecision).toBe('approval');
  });

  it('reports broken YAML with the line', () => {
    expect(problem('version: 1\nrules:\n  - id: [x\n')).toMatch(/^policy\.yaml: line \d+, column \d+: /);
    expect(problem('version: 1\nversion: 1\nrules: []\n')).toMatch(/^policy\.yaml: line 2, column 1: .*[Uu]nique/);
  });

  it('names the rule index, id and field of a bad decision', () => {
    const yaml = `version: 1\nrules:\n${Array.from({ length: 12 }, (_, i) => `  - { id: r${i}, decision: allow, reason: x, match: { program: ls } }\n`).join('')}  - id: deny-disk-wipe\n    decision: destroy\n    reason: x\n    match: { program: dd }\n`;
    expect(problem(yaml)).toBe('policy.yaml: rules[12] (deny-disk-wipe): "decision" must be one of allow, approval, deny');
  });

  it('rejects unknown fields, naming them', () => {
    expect(problem(rule('    decision: deny\n    match: { program: rm, progam: rm }\n'))).toBe('policy.yaml: rules[0] (r1): unknown field "match.progam"');
    expect(problem(rule('    decision: deny\n    severity: high\n    match: { program: rm }\n'))).toBe('policy.yaml: rules[0] (r1): unknown field "severity"');
    expect(problem('version: 1\nsettigns: {}\nrules:\n  - { id: a, decision: deny, reason: x, match: {} }\n')).toBe('policy.yaml: unknown field "settigns"');
  });

  it('rejects missing and mistyped fields', () => {
    expect(problem(rule('    match: { program: rm }\n'))).toBe('policy.yaml: rules[0] (r1): "decision" is required');
    expect(problem(rule('    decision: deny\n    match: { program: 3 }\n'))).toBe('policy.yaml: rules[0] (r1): "match.program" must be a string or a list of strings, not a number');
    expect(problem(rule('    decision: deny\n    match: { program: [ls, 3] }\n'))).toBe('policy.yaml: rules[0] (r1): "match.program[1]" must be a string, not a number');
    expect(problem(rule('    decision: deny\n    match: { args: { min: -1 } }\n'))).toBe('policy.yaml: rules[0] (r1): "match.args.min" must be at least 0');
    expect(problem('version: 2\nrules: []\n')).toMatch(/^policy\.yaml: "version" must be 1/);
  });

  it('checks regular expressions, path globs, flags and ids when loading', () => {
    expect(problem(rule('    decision: deny\n    match: { argv: ["(unclosed"] }\n'))).toMatch(/rules\[0\] \(r1\): "match\.argv\[0\]" is not a valid regular expression/);
    expect(problem(rule('    decision: deny\n    match: { paths: { any: [etc/passwd] } }\n'))).toMatch(/"match\.paths\.any\[0\]" must be an absolute path glob/);
    expect(problem(rule('    decision: deny\n    match: { flags: { any: [r] } }\n'))).toMatch(/"match\.flags\.any\[0\]" must start with - or \+/);
    expect(problem('version: 1\nrules:\n  - { id: Bad_Id, decision: deny, reason: x, match: {} }\n')).toMatch(/"id" must be lower-case letters, digits and dashes/);
    expect(problem('version: 1\nrules:\n  - { id: a, decision: deny, reason: x, match: {} }\n  - { id: a, decision: allow, reason: x, match: {} }\n')).toBe(
      'policy.yaml: rules[1] (a): "id" is already used by rules[0]',
    );
  });

  it('says how many more problems there are', () => {
    expect(problem('version: 1\nrules:\n  - { id: a, decision: x, reason: y, match: {} }\n  - { id: b, decision: y, reason: y, match: {} }\n')).toMatch(/\(and 1 more problem\)$/);
  });

  describe('from files', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'guard-policy-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('names the file in errors', async () => {
      const path = join(dir, 'broken.yaml');
      await writeFile(path, rule('    decision: maybe\n    match: {}\n'));
      await expect(loadPolicy(path)).rejects.toThrow('broken.yaml: rules[0] (r1): "decision" must be one of allow, approval, deny');
      await expect(loadPolicy(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: cannot read .*no such file/);
    });
  });
});
