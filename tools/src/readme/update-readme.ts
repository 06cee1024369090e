// `npm run readme`: rewrites the README sections generated from the code;
// without --write it only checks them (exit 1 when out of date).
import { renderConfigTable } from './config-table.js';
import { README_PATH, runReadmeCli, type ReadmeRegion } from './readme-regions.js';
import { renderSubjectsTable } from './subjects-table.js';

export const readmeRegions: readonly ReadmeRegion[] = [
  { name: 'config-table', render: renderConfigTable },
  { name: 'subjects', render: renderSubjectsTable },
];

if (process.argv[1]?.endsWith('update-readme.js')) {
  process.exitCode = runReadmeCli(process.argv.slice(2), README_PATH, readmeRegions, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
