#!/usr/bin/env node
/**
 * Generates the Prisma client of every app that has `prisma/schema.prisma`,
 * offline.
 *
 *   node tools/prisma-generate.mjs [--force] [app | path/to/schema.prisma ...]
 *
 * A schema path (used for libraries' test fixtures) is generated with
 * `--schema` instead of the app's prisma.config.ts.
 *
 * The Prisma CLI insists on finding its native schema engine before it runs
 * `generate`, although generating the Rust-free client never uses it; the
 * engine is a download that cannot be fetched here (and npm does not run
 * install scripts). Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file
 * satisfies the check, so it defaults to this Node binary.
 *
 * An app whose generated client is newer than its schema, its prisma.config.ts
 * and the installed Prisma CLI is skipped, so rebuilds are a fast no-op.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function prismaCli() {
  const packageJson = require.resolve('prisma/package.json', { paths: [root] });
  const { bin } = require(packageJson);
  return { path: join(dirname(packageJson), typeof bin === 'string' ? bin : bin.prisma), packageJson };
}

function appsWithSchema() {
  const appsDir = join(root, 'apps');
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(appsDir, entry.name, 'prisma', 'schema.prisma')))
    .map((entry) => entry.name)
    .sort();
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : undefined;
}

/** What to generate: an app (through its prisma.config.ts) or a bare schema file. */
function target(arg) {
  if (arg.endsWith('.prisma')) {
    const schema = resolve(arg);
    // the generator block's output, relative to the schema file
    const output = /^\s*output\s*=\s*"([^"]+)"/m.exec(existsSync(schema) ? readFileSync(schema, 'utf8') : '')?.[1];
    return {
      label: relative(root, schema),
      args: ['--schema', schema],
      inputs: [schema],
      entry: output ? join(dirname(schema), output, 'client.ts') : undefined,
    };
  }
  const appDir = join(root, 'apps', arg);
  return {
    label: arg,
    args: ['--config', relative(root, join(appDir, 'prisma.config.ts'))],
    inputs: [join(appDir, 'prisma', 'schema.prisma'), join(appDir, 'prisma.config.ts')],
    entry: join(appDir, 'src', 'generated', 'prisma', 'client.ts'),
  };
}

/** The generated client is fresh when its entry file is newer than every input and the Prisma CLI. */
function isFresh({ inputs, entry }, cliPackageJson) {
  const generated = entry === undefined ? undefined : mtime(entry);
  if (generated === undefined) return false;
  return [...inputs, cliPackageJson].every((input) => (mtime(input) ?? 0) < generated);
}

function generate({ args }, cliPath) {
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cliPath, 'generate', ...args], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolvePromise({ ok: false, output: `${output}\n${error.message}` }));
    child.on('close', (code, signal) =>
      resolvePromise({ ok: code === 0, output: code === 0 ? output : `${output}\n(exit ${code ?? signal})` }),
    );
  });
}

async function main(args) {
  const force = args.includes('--force');
  const requested = args.filter((arg) => !arg.startsWith('--'));
  const available = appsWithSchema();
  const unknown = requested.filter((arg) => (arg.endsWith('.prisma') ? !existsSync(arg) : !available.includes(arg)));
  if (unknown.length > 0) {
    console.error(`prisma-generate: no such schema or apps/<app>/prisma/schema.prisma: ${unknown.join(', ')}`);
    return 2;
  }
  const targets = (requested.length > 0 ? requested : available).map(target);
  const cli = prismaCli();

  const results = await Promise.all(
    targets.map(async (item) => {
      if (!force && isFresh(item, cli.packageJson)) return { label: item.label, line: 'up to date', ok: true };
      const started = performance.now();
      const { ok, output } = await generate(item, cli.path);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      return { label: item.label, ok, output, line: ok ? `generated in ${seconds}s` : 'FAILED' };
    }),
  );

  for (const { label, line } of results) console.log(`prisma-generate: ${label} ${line}`);
  const failed = results.filter((result) => !result.ok);
  for (const { label, output } of failed) console.error(`\nprisma-generate: ${label} failed:\n${output.trim()}`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
