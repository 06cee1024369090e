import { dict, entries } from './access.js';
import { problem, type Problem } from './problems.js';

/** The locked package a dependency of the package at `from` resolves to, Node-style (nearest node_modules up). */
function resolveLocked(packages: Record<string, unknown>, from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('node_modules/');
    base = parent <= 0 ? '' : base.slice(0, parent - 1);
  }
}

/**
 * What `npm ci` checks before it installs anything: every dependency and
 * optional dependency of every locked package is itself in the lock file,
 * including optional packages for other platforms. A lock file pruned to
 * one platform makes every image build fail with EUSAGE "Missing: … from
 * lock file".
 */
export function checkLockfile(lockText: string, file = 'package-lock.json'): Problem[] {
  const packages = dict(dict(JSON.parse(lockText))['packages']);
  return entries(packages).flatMap(([path, raw]) => {
    const entry = dict(raw);
    if (entry['link'] === true) return [];
    const wanted = [...Object.keys(dict(entry['dependencies'])), ...Object.keys(dict(entry['optionalDependencies']))];
    const missing = wanted.filter((name) => resolveLocked(packages, path, name) === undefined);
    if (missing.length === 0) return [];
    return [problem(`${file}: ${path || '(root)'}`, `npm ci refuses the lock file: it lacks ${missing.join(', ')} (regenerate it with \`npm install --package-lock-only\`)`)];
  });
}
