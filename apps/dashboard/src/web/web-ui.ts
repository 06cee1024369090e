import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a GET outside the API asks for. */
export type WebTarget =
  /** Under /api, /health or /metrics: not the UI's business (an unknown API path is a JSON 404). */
  | { kind: 'api' }
  /** A hashed build output under /assets/. */
  | { kind: 'asset'; file: string }
  /** A file name the UI never has (/favicon.ico, /robots.txt, a stale chunk): 404, not the app's HTML. */
  | { kind: 'missing-file' }
  /** A client-side route: index.html. */
  | { kind: 'page' };

const SERVER_PREFIXES = ['/api', '/health', '/metrics'];
const FILE_EXTENSION = /\.(?:js|mjs|css|map|json|ico|png|jpe?g|gif|webp|svg|txt|xml|webmanifest|woff2?|ttf|wasm)$/i;
const ASSET_NAME = /^[A-Za-z0-9._-]+$/;

/** Sorts a request path (without the query) into what serves it. */
export function classifyPath(path: string): WebTarget {
  if (SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return { kind: 'api' };
  if (path.startsWith('/assets/')) {
    const file = path.slice('/assets/'.length);
    // Vite writes flat, hashed names: anything else (sub-directories, "..", encoded tricks) is not ours
    return ASSET_NAME.test(file) && !file.startsWith('.') ? { kind: 'asset', file } : { kind: 'missing-file' };
  }
  if (FILE_EXTENSION.test(path)) return { kind: 'missing-file' };
  return { kind: 'page' };
}

/**
 * The directory of the built UI: DASHBOARD_WEB_DIR, else apps/dashboard/dist/web.
 * This file runs from src/web (tests) or dist/web (built), both two levels
 * below apps/dashboard.
 */
export function resolveWebDir(configured: string | undefined): string {
  if (configured) return isAbsolute(configured) ? configured : resolve(configured);
  return fileURLToPath(new URL('../../dist/web/', import.meta.url));
}

const RECHECK_MS = 2000;

/** Where the built UI lives and whether it is there (a build after start-up is noticed within seconds). */
export class WebUi {
  readonly assetsDir: string;
  private built = false;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(readonly dir: string) {
    this.assetsDir = join(dir, 'assets');
  }

  isBuilt(now = Date.now()): boolean {
    if (this.built) return true;
    if (now - this.checkedAt >= RECHECK_MS) {
      this.checkedAt = now;
      this.built = existsSync(join(this.dir, 'index.html'));
    }
    return this.built;
  }
}

export const WEB_UI = Symbol('WEB_UI');
