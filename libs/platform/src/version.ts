import { readFileSync } from 'node:fs';

/** Version from the package.json next to a module's folder (`src/` or `dist/`). */
export function packageVersion(moduleUrl: string): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', moduleUrl), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
