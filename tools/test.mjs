#!/usr/bin/env node
// `npm test`: build once, then lint, type-check and test every project with
// Nx, and close with one line counting the tests of every project.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };

const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { cwd: root, stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);

const counts = { passed: 0, failed: 0, skipped: 0 };
// Vitest's summary line, e.g. "Tests  2 failed | 174 passed | 1 skipped (177)"
const summary = /^\s*Tests\s+(.*)\(\d+\)\s*$/;
const nx = spawn(
  process.execPath,
  [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2', '--outputStyle=stream-without-prefixes', ...process.argv.slice(2)],
  { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
);
let pending = '';
nx.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (pending + chunk.toString()).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const match = summary.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!match) continue;
    for (const [, n, kind] of match[1].matchAll(/(\d+) (passed|failed|skipped)/g)) counts[kind] += Number(n);
  }
});
nx.on('exit', (code) => {
  console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exit(code ?? 1);
});
