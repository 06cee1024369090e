import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const README_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../README.md');

/** A part of README.md generated from the code, between `<!-- name:start -->` and `<!-- name:end -->`. */
export interface ReadmeRegion {
  name: string;
  render(): string;
}

export function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

function markerPositions(readme: string, name: string): { start: number; end: number } {
  const { start: startMarker, end: endMarker } = markers(name);
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`README.md needs ${startMarker} followed by ${endMarker}`);
  return { start: start + startMarker.length, end };
}

/** The text between the markers, without the surrounding line breaks. */
export function readmeRegion(readme: string, name: string): string {
  const { start, end } = markerPositions(readme, name);
  return readme.slice(start, end).trim();
}

/** README with one region replaced; everything else unchanged. */
export function replaceRegion(readme: string, name: string, text: string): string {
  const { start, end } = markerPositions(readme, name);
  return `${readme.slice(0, start)}\n${text}\n${readme.slice(end)}`;
}

export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `--write` updates the README; otherwise exit code 1 says which regions are out of date. */
export function runReadmeCli(args: readonly string[], readmePath: string, regions: readonly ReadmeRegion[], output: CliOutput): number {
  const current = readFileSync(readmePath, 'utf8');
  let next = current;
  const stale: string[] = [];
  for (const region of regions) {
    const updated = replaceRegion(next, region.name, region.render());
    if (updated !== next) stale.push(region.name);
    next = updated;
  }
  if (stale.length === 0) {
    output.out('README.md generated sections are up to date');
    return 0;
  }
  if (args.includes('--write')) {
    writeFileSync(readmePath, next);
    output.out(`README.md updated: ${stale.join(', ')}`);
    return 0;
  }
  output.err(`README.md is out of date (${stale.join(', ')}): run \`npm run readme\``);
  return 1;
}
