import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { dict } from './access.js';
import { problem, type Problem } from './problems.js';
import type { RepoFiles } from './repo-facts.js';

/** Projects whose compiled code ships in the images (tools and the test harness do not). */
const SHIPPED_ROOTS = ['apps', 'libs'];
const NOT_SHIPPED = new Set(['libs/testing']);
const TEST_FILE = /\.(spec|int-spec|bench|test-helpers)\.ts$/;
const BUILTINS = new Set(builtinModules);

function sourceFiles(files: RepoFiles, dir: string): string[] {
  return files.list(dir).flatMap((name) => {
    const path = posix.join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (files.isDirectory(path)) return sourceFiles(files, path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') && !TEST_FILE.test(path) ? [path] : [];
  });
}

/** `{ type A, type B }`: tsc erases such an import although it is not `import type`. */
function onlyTypes(clause: string): boolean {
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  const members = braces?.[1]?.split(',').map((m) => m.trim()).filter(Boolean) ?? [];
  return members.length > 0 && members.every((m) => m.startsWith('type '));
}

/** Bare specifiers a module loads at run time (type-only imports are erased by tsc). */
export function runtimeImports(source: string): string[] {
  const fromClauses = [...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)([^'";]*?)\s+from\s+['"]([^'"]+)['"]/gm)]
    .filter((m) => !onlyTypes(m[1] ?? ''))
    .map((m) => m[2] ?? '');
  const sideEffects = [...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
  const dynamic = [...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
  return [...fromClauses, ...sideEffects, ...dynamic].filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * The runtime image installs `npm ci --omit=dev`: every package the shipped
 * code imports must be installed without dev dependencies, i.e. be in the
 * lock file and not marked `dev`.
 */
export function checkRuntimeDependencies(files: RepoFiles): Problem[] {
  const lock = dict(dict(JSON.parse(files.read('package-lock.json') ?? '{}'))['packages']);
  const problems: Problem[] = [];
  const projects = SHIPPED_ROOTS.flatMap((root) => files.list(root).map((name) => `${root}/${name}`)).filter((p) => !NOT_SHIPPED.has(p));
  for (const file of projects.flatMap((project) => sourceFiles(files, `${project}/src`))) {
    for (const name of new Set(runtimeImports(files.read(file) ?? '').map(packageName))) {
      if (name.startsWith('node:') || BUILTINS.has(name) || name.startsWith('@homelab/')) continue;
      const entry = lock[`node_modules/${name}`];
      if (entry === undefined) problems.push(problem(file, `imports ${name}, which package-lock.json does not install`));
      else if (dict(entry)['dev'] === true) problems.push(problem(file, `imports ${name}, a dev dependency the runtime image (npm ci --omit=dev) lacks`));
    }
  }
  return problems;
}
