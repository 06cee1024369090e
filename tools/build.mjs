#!/usr/bin/env node
// Builds everything `npm start` and the tests need: Prisma clients, one
// incremental TypeScript build of every project (tsc -b follows references),
// then the dashboard's web UI (Vite, into apps/dashboard/dist/web).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(label, command, args) {
  const started = Date.now();
  process.stdout.write(`• ${label}…`);
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    process.stdout.write(' failed\n');
    process.stderr.write(result.stdout + result.stderr);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(` done (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

run('Generating Prisma clients', process.execPath, [join(root, 'tools/prisma-generate.mjs')]);
run('Compiling TypeScript', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json']);
run('Building the dashboard web UI', process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/dashboard/web/vite.config.ts', '--logLevel', 'warn']);
