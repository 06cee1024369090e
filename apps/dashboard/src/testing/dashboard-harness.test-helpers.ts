import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService, type ServiceSpec } from '@homelab/platform';
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
  /** A NATS subject prefix to share with another instance (default a fresh one). */
  subjectPrefix?: string;
  /** Wraps the dashboard's service spec (test-only modules, route hooks). */
  spec?: (base: typeof serviceSpec) => ServiceSpec<typeof serviceSpec.configSchema>;
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

type Session = { cookie: string; csrfToken: string };

/** The `name=value` pair of the session cookie a login answer set. */
function sessionCookieOf(headers: Headers): string {
  const cookie = headers.getSetCookie().find((line) => line.startsWith('homelab_session='));
  if (cookie === undefined) throw new Error('the login answer set no homelab_session cookie');
  return cookie.split(';')[0] as string;
}

async function logIn(url: string, path: string, body: Record<string, string>): Promise<ApiResponse & { session: Session | null }> {
  const response = await apiClient(url, null).post(path, body);
  if (response.status !== 200 && response.status !== 201) return { ...response, session: null };
  return { ...response, session: { cookie: sessionCookieOf(response.headers), csrfToken: response.json<{ csrfToken: string }>().csrfToken } };
}

function expectSession(what: string, result: ApiResponse & { session: Session | null }): Session {
  if (result.session === null) throw new Error(`harness: ${what} failed: ${result.status} ${result.text}`);
  return result.session;
}

/**
 * Logs in as the harness account of `role` through the real API: the admin is created on
 * the setup page (or logs in when an account exists, e.g. on a shared database, or when
 * DASHBOARD_ADMIN_PASSWORD made it), the viewer is created by the admin on first use.
 */
async function sessionFor(harness: DashboardHarness, role: HarnessRole, env: Record<string, string>): Promise<Session | null> {
  if (role === 'anonymous') return null;
  if (role === 'admin') {
    const admin = env['DASHBOARD_ADMIN_PASSWORD']
      ? { username: env['DASHBOARD_ADMIN_USERNAME'] ?? 'admin', password: env['DASHBOARD_ADMIN_PASSWORD'] }
      : HARNESS_ADMIN;
    const status = await apiClient(harness.url, null).get('/api/auth/status');
    if (status.status !== 200) throw new Error(`harness: GET /api/auth/status answered ${status.status} ${status.text}`);
    if (status.json<{ setupRequired: boolean }>().setupRequired) {
      const setup = await logIn(harness.url, '/api/auth/setup', { token: env['DASHBOARD_SETUP_TOKEN'] ?? '', ...admin });
      if (setup.status !== 409) return expectSession('setup of the admin account', setup);
    }
    return expectSession('admin login', await logIn(harness.url, '/api/auth/login', admin));
  }
  const admin = await harness.as('admin');
  const created = await admin.post('/api/users', { ...HARNESS_VIEWER, role: 'viewer' });
  if (created.status !== 201 && created.status !== 409) throw new Error(`harness: creating the viewer failed: ${created.status} ${created.text}`);
  return expectSession('viewer login', await logIn(harness.url, '/api/auth/login', HARNESS_VIEWER));
}

/**
 * Starts the whole dashboard in this process on a fresh database and NATS
 * prefix, and waits until it is healthy (migrations applied).
 */
export async function startDashboard(options: StartDashboardOptions = {}): Promise<DashboardHarness> {
  const database = options.database ?? (await createTestDatabase('dashboard'));
  const subjectPrefix = options.subjectPrefix ?? uniqueSubjectPrefix('dash');
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-dashboard-'));
  const env = await serviceTestEnv({
    databaseUrl: database.url,
    natsUrl: natsUrl(),
    subjectPrefix,
    extra: {
      DOCKER_HOSTS: `local=unix://${join(dataDir, 'no-docker.sock')}`,
      BACKUP_DIR: join(dataDir, 'backups'),
      DASHBOARD_SETUP_TOKEN: 'harness-setup-token-0123456789abcdef',
      // tests log in often from one address; the rate-limit tests set their own limit
      DASHBOARD_LOGIN_ATTEMPTS: '1000',
      ...options.env,
    },
  });
  const running = await startService(options.spec ? options.spec(serviceSpec) : serviceSpec, env);
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
        client = sessionFor(harness, role, env).then((session) => apiClient(running.url, session));
        // a failed login is not cached: the next call tries again
        client.catch(() => sessions.delete(role));
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
