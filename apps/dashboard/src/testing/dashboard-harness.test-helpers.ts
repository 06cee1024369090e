import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService } from '@homelab/platform';
import { createTestDatabase, natsUrl, serviceTestEnv, uniqueSubjectPrefix, waitFor, type TestDatabase } from '@homelab/testing';
import { serviceSpec } from '../service.js';

export type HarnessRole = 'admin' | 'viewer' | 'anonymous';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = unknown>(): T;
}

/** Calls the dashboard's HTTP API as one kind of user (cookies and CSRF token handled). */
export interface ApiClient {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  get(path: string): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
  put(path: string, body?: unknown): Promise<ApiResponse>;
  patch(path: string, body?: unknown): Promise<ApiResponse>;
  delete(path: string, body?: unknown): Promise<ApiResponse>;
}

export interface DashboardHarness {
  url: string;
  running: RunningService;
  database: TestDatabase;
  subjectPrefix: string;
  /** Temporary directory (backups, catalog files …), removed on close. */
  dataDir: string;
  as(role: HarnessRole): Promise<ApiClient>;
  close(): Promise<void>;
}

export interface StartDashboardOptions {
  /** Extra environment (DOCKER_HOSTS, CATALOG_FILE …). */
  env?: Record<string, string>;
  /** A database to use instead of a fresh one. */
  database?: TestDatabase;
}

/** The credentials of the accounts the harness creates. */
export const HARNESS_ADMIN = { username: 'admin', password: 'harness-admin-passphrase-1' } as const;
export const HARNESS_VIEWER = { username: 'viewer', password: 'harness-viewer-passphrase-1' } as const;

function toResponse(status: number, headers: Headers, text: string): ApiResponse {
  return { status, headers, text, json: <T>() => JSON.parse(text) as T };
}

/** A client carrying a session cookie and CSRF token (or nothing, for anonymous). */
export function apiClient(baseUrl: string, session: { cookie: string; csrfToken: string } | null): ApiClient {
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const all: Record<string, string> = { origin: baseUrl, ...headers };
    if (session) {
      all['cookie'] = session.cookie;
      all['x-csrf-token'] = session.csrfToken;
    }
    if (body !== undefined) all['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers: all, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return toResponse(response.status, response.headers, await response.text());
  };
  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    put: (path, body) => request('PUT', path, body),
    patch: (path, body) => request('PATCH', path, body),
    delete: (path, body) => request('DELETE', path, body),
  };
}

/**
 * Logs in as the harness account of `role`, creating the accounts on first
 * use. Replaced by the real login once the auth module exists.
 */
async function sessionFor(_harness: { url: string; running: RunningService }, role: HarnessRole): Promise<{ cookie: string; csrfToken: string } | null> {
  if (role === 'anonymous') return null;
  return { cookie: '', csrfToken: '' };
}

/**
 * Starts the whole dashboard in this process on a fresh database and NATS
 * prefix, and waits until it is healthy (migrations applied).
 */
export async function startDashboard(options: StartDashboardOptions = {}): Promise<DashboardHarness> {
  const database = options.database ?? (await createTestDatabase('dashboard'));
  const subjectPrefix = uniqueSubjectPrefix('dash');
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-dashboard-'));
  const env = await serviceTestEnv({
    databaseUrl: database.url,
    natsUrl: natsUrl(),
    subjectPrefix,
    extra: {
      DOCKER_HOSTS: `local=unix://${join(dataDir, 'no-docker.sock')}`,
      BACKUP_DIR: join(dataDir, 'backups'),
      DASHBOARD_SETUP_TOKEN: 'harness-setup-token-0123456789abcdef',
      ...options.env,
    },
  });
  const running = await startService(serviceSpec, env);
  await waitFor(
    async () => {
      const response = await fetch(`${running.url}/health`);
      return response.ok ? true : undefined;
    },
    { message: 'dashboard healthy', timeoutMs: 30_000 },
  );
  const sessions = new Map<HarnessRole, Promise<ApiClient>>();
  const harness: DashboardHarness = {
    url: running.url,
    running,
    database,
    subjectPrefix,
    dataDir,
    as: (role) => {
      let client = sessions.get(role);
      if (!client) {
        client = sessionFor(harness, role).then((session) => apiClient(running.url, session));
        sessions.set(role, client);
      }
      return client;
    },
    close: async () => {
      await running.close();
      if (!options.database) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
