import type { DatabaseEngine } from '../database.types.js';

/** What a container of this engine needs to know about its database. */
export interface TemplateCredentials {
  username: string | null;
  databaseName: string | null;
  password: string;
}

export interface TemplateHealthcheck {
  /** Docker's `Test`: `['CMD', …]` or `['CMD-SHELL', '…']`. */
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  /** Failures in this window after start do not count (initialisation). */
  startPeriodSeconds: number;
  /** Probe interval inside the start period (API 1.44+), so "ready" shows up quickly. */
  startIntervalSeconds: number;
}

/** A command run inside the container with `docker exec`; it reads the container's own Env. */
export interface ExecCommand {
  cmd: string[];
}

/**
 * Everything one engine needs: a pinned image, how its official image wants
 * its credentials, where its data lives, how Docker checks its health, and
 * how to dump and restore it through `docker exec` (the dump on stdout, the
 * restore reading the dump from stdin).
 */
export interface DatabaseTemplate {
  engine: DatabaseEngine;
  label: string;
  /** Pinned tag, never `latest`. */
  image: string;
  /** The port the server listens on inside the container. */
  port: number;
  /** Where the named volume is mounted. */
  dataPath: string;
  /** The image's unprivileged user the server runs as (the image's entrypoint then skips its root-only steps). */
  user: string;
  memoryBytes: number;
  healthcheck: TemplateHealthcheck;
  /** Overrides the image's Cmd (e.g. Redis gets its password from the Env, not argv). */
  cmd?: string[];
  /** The Env the official image reads on first start. */
  environment(credentials: TemplateCredentials): string[];
  /** User and database the operator connects with (derived from the database's name). */
  identity(name: string): { username: string | null; databaseName: string | null };
  backup: ExecCommand & { extension: string };
  restore: ExecCommand;
  /** A URL client libraries accept. */
  connectionString(target: { username: string | null; password: string; host: string; port: number; databaseName: string | null }): string;
}

/** `my-app` → `my_app`: user and database names without characters that need quoting. */
export function sqlIdentifier(name: string): string {
  return name.replace(/-/g, '_');
}

export function encodeUserInfo(username: string | null, password: string): string {
  return `${username === null ? '' : encodeURIComponent(username)}:${encodeURIComponent(password)}@`;
}

/** A host for a URL (IPv6 addresses in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export const MIB = 1024 * 1024;
