import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkDeployment } from './load.js';
import { checkLockfile } from './lockfile.js';
import { formatProblems } from './problems.js';

/**
 * `node tools/dist/deploy/check-deploy.js`: exit 1 and list the problems when
 * an artifact disagrees with the code, or when `npm ci` in the image build
 * would refuse package-lock.json.
 */
export function main(root: string): number {
  const problems = [...checkDeployment(root), ...checkLockfile(readFileSync(join(root, 'package-lock.json'), 'utf8'))];
  if (problems.length === 0) {
    process.stdout.write('Deployment artifacts agree with the services.\n');
    return 0;
  }
  process.stderr.write(`${formatProblems(problems)}\n${problems.length} problem(s)\n`);
  return 1;
}

// tools/{src,dist}/deploy/check-deploy.{ts,js} → the repository root
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(root);
