import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lines, ROOT } from './deploy.test-helpers.js';
import { checkLockfile } from './lockfile.js';

const lock = (packages: Record<string, unknown>) => JSON.stringify({ lockfileVersion: 3, packages });

describe('checkLockfile', () => {
  it('accepts a lock where every dependency resolves, nested or hoisted', () => {
    const complete = lock({
      '': { dependencies: { a: '^1' } },
      'node_modules/a': { version: '1.0.0', dependencies: { b: '^2' }, optionalDependencies: { 'a-linux': '1', 'a-darwin': '1' } },
      'node_modules/a/node_modules/b': { version: '2.0.0', dependencies: { c: '^1' } },
      'node_modules/c': { version: '1.0.0' },
      'node_modules/a-linux': { version: '1.0.0', optional: true },
      'node_modules/a-darwin': { version: '1.0.0', optional: true },
      'node_modules/@homelab/x': { resolved: 'libs/x', link: true },
    });
    expect(checkLockfile(complete)).toEqual([]);
  });

  it('reports optional platform packages pruned from the lock, as npm ci does', () => {
    const pruned = lock({
      '': { dependencies: { a: '^1' } },
      'node_modules/a': { version: '1.0.0', optionalDependencies: { 'a-linux': '1', 'a-darwin': '1', 'a-win32': '1' } },
      'node_modules/a-linux': { version: '1.0.0', optional: true },
    });
    expect(lines(checkLockfile(pruned))).toEqual([
      'package-lock.json: node_modules/a: npm ci refuses the lock file: it lacks a-darwin, a-win32 (regenerate it with `npm install --package-lock-only`)',
    ]);
    expect(lines(checkLockfile(lock({ '': { dependencies: { gone: '1' } } })))[0]).toMatch(/\(root\): .*lacks gone/);
  });

  // KNOWN DEFECT (not in the deployment files): the committed lock lacks the non-Linux
  // @swc/core and @rollup/rollup-* packages, so `npm ci` in docker/Dockerfile fails with
  // EUSAGE until it is regenerated (`npm install --package-lock-only` with registry access).
  it('the committed package-lock.json satisfies npm ci', () => {
    expect(lines(checkLockfile(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')))).toEqual([]);
  });
});
