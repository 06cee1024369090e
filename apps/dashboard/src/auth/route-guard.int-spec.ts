import { Controller, Get, Module, Post, type DynamicModule, type Type } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Public, Roles } from '@homelab/auth';
import type { ServiceSpec } from '@homelab/platform';
import { HARNESS_ADMIN, startDashboard, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import type { serviceSpec } from '../service.js';

// Real: the whole dashboard (every module the app composes), PostgreSQL, NATS, HTTP.
// The route list comes from Fastify's onRoute hook, so routes added later are covered unasked.

interface RecordedRoute {
  method: string;
  url: string;
}

/** Reachable without a session: the API doc's public routes. Keep this list short. */
const PUBLIC_API_ROUTES = new Set([
  'GET /api/auth/status',
  'HEAD /api/auth/status',
  'POST /api/auth/setup',
  'POST /api/auth/login',
  'GET /api/auth/oidc/login',
  'HEAD /api/auth/oidc/login',
  'GET /api/auth/oidc/callback',
  'HEAD /api/auth/oidc/callback',
  // Google's redirect is cross-site, so the SameSite=Strict session cookie is not sent: the
  // sealed, Lax state cookie set by the admin's GET /api/google/connect authenticates it
  'GET /api/google/callback',
  'HEAD /api/google/callback',
]);
/** Changes a viewer may make: to their own session, password and Jarvis conversations only. */
const VIEWER_WRITES = new Set([
  'POST /api/auth/logout',
  'POST /api/auth/password',
  // viewers chat with Jarvis in their own conversations (reading tools only; run_command is for admins)
  'POST /api/jarvis/conversations',
  'PATCH /api/jarvis/conversations/:id',
  'DELETE /api/jarvis/conversations/:id',
  'POST /api/jarvis/conversations/:id/messages',
  'POST /api/jarvis/conversations/:id/stop',
]);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SOME_ID = '00000000-0000-4000-8000-000000000000';

type Spec = typeof serviceSpec;

/** The dashboard plus `extra` modules, with every route Fastify registers recorded. */
function recordingSpec(routes: RecordedRoute[], extra: Type<unknown>[] = []): (base: Spec) => ServiceSpec<Spec['configSchema']> {
  @Module({})
  class RouteGuardProbeRoot {}
  return (base) => ({
    ...base,
    module: (runtime, config): DynamicModule => ({ module: RouteGuardProbeRoot, imports: [base.module(runtime, config), ...extra] }),
    configureHttp: async (app, runtime, config) => {
      app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) routes.push({ method: String(method).toUpperCase(), url: route.url });
      });
      await base.configureHttp?.(app, runtime, config);
    },
  });
}

function concrete(url: string): string {
  return url.replace(/:[^/]+/g, SOME_ID).replace(/\*/g, 'x');
}

async function call(dash: DashboardHarness, route: RecordedRoute, headers: Record<string, string>): Promise<{ status: number; code: string | undefined }> {
  const hasBody = !SAFE_METHODS.has(route.method);
  const response = await fetch(`${dash.url}${concrete(route.url)}`, {
    method: route.method,
    redirect: 'manual',
    headers: { origin: dash.url, ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(hasBody ? { body: '{}' } : {}),
  });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code };
}

async function adminCookie(dash: DashboardHarness): Promise<string> {
  await dash.as('admin');
  const response = await fetch(`${dash.url}/api/auth/login`, {
    method: 'POST',
    headers: { origin: dash.url, 'content-type': 'application/json' },
    body: JSON.stringify(HARNESS_ADMIN),
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('homelab_session='));
  if (response.status !== 200 || cookie === undefined) throw new Error(`admin login failed: ${response.status}`);
  return cookie.split(';')[0] as string;
}

async function viewerCookie(dash: DashboardHarness): Promise<{ cookie: string; csrf: string }> {
  await dash.as('viewer');
  const response = await fetch(`${dash.url}/api/auth/login`, {
    method: 'POST',
    headers: { origin: dash.url, 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'viewer', password: 'harness-viewer-passphrase-1' }),
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('homelab_session='));
  if (response.status !== 200 || cookie === undefined) throw new Error(`viewer login failed: ${response.status}`);
  return { cookie: cookie.split(';')[0] as string, csrf: (await response.json() as { csrfToken: string }).csrfToken };
}

/** Every way a route can be left open, as readable lines; empty when all routes are guarded. */
async function auditRoutes(dash: DashboardHarness, recorded: readonly RecordedRoute[]): Promise<string[]> {
  const routes = [...new Map(recorded.map((route) => [`${route.method} ${route.url}`, route])).values()];
  const violations: string[] = [];
  for (const route of routes) {
    const name = `${route.method} ${route.url}`;
    if (!route.url.startsWith('/api/') || PUBLIC_API_ROUTES.has(name)) continue;
    const answer = await call(dash, route, {});
    if (answer.status !== 401) violations.push(`anonymous ${name} → ${answer.status} ${answer.code ?? ''} (expected 401)`);
  }
  const viewer = await viewerCookie(dash);
  for (const route of routes) {
    const name = `${route.method} ${route.url}`;
    if (SAFE_METHODS.has(route.method) || PUBLIC_API_ROUTES.has(name) || VIEWER_WRITES.has(name)) continue;
    const answer = await call(dash, route, { cookie: viewer.cookie, 'x-csrf-token': viewer.csrf });
    if (answer.status !== 403 || answer.code !== 'FORBIDDEN') violations.push(`viewer ${name} → ${answer.status} ${answer.code ?? ''} (expected 403 FORBIDDEN)`);
  }
  const admin = await adminCookie(dash);
  for (const route of routes) {
    if (SAFE_METHODS.has(route.method)) continue;
    const name = `${route.method} ${route.url}`;
    const answer = await call(dash, route, { cookie: admin });
    if (answer.status !== 403 || answer.code !== 'CSRF_INVALID') violations.push(`admin without CSRF ${name} → ${answer.status} ${answer.code ?? ''} (expected 403 CSRF_INVALID)`);
  }
  return violations;
}

describe('every route the running dashboard registers is guarded', () => {
  const routes: RecordedRoute[] = [];
  let dash: DashboardHarness;
  beforeAll(async () => {
    dash = await startDashboard({ spec: recordingSpec(routes) });
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('records the routes of every module', () => {
    const names = new Set(routes.map((route) => `${route.method} ${route.url}`));
    for (const expected of ['POST /api/auth/login', 'GET /api/users', 'DELETE /api/users/:id', 'GET /health']) expect(names).toContain(expected);
  });

  it('refuses anonymous callers, viewers on changes, and changes without the CSRF header', async () => {
    expect(await auditRoutes(dash, routes)).toEqual([]);
  });
});

@Controller('api/route-guard-probe')
class UnguardedProbeController {
  @Get()
  peek(): { ok: boolean } {
    return { ok: true };
  }

  @Post()
  poke(): { ok: boolean } {
    return { ok: true };
  }

  @Post('public')
  @Public()
  openDoor(): { ok: boolean } {
    return { ok: true };
  }

  @Post('viewer-write')
  @Roles('viewer')
  viewerWrite(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [UnguardedProbeController] })
class UnguardedProbeModule {}

describe('the route audit fails for a route someone forgot to guard', () => {
  const routes: RecordedRoute[] = [];
  let dash: DashboardHarness;
  beforeAll(async () => {
    dash = await startDashboard({ spec: recordingSpec(routes, [UnguardedProbeModule]) });
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('reports the undecorated, the wrongly public and the viewer-writable probe routes', async () => {
    const violations = (await auditRoutes(dash, routes)).filter((line) => line.includes('route-guard-probe'));
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^anonymous GET \/api\/route-guard-probe → 403 ROUTE_NOT_CONFIGURED/),
        expect.stringMatching(/^anonymous POST \/api\/route-guard-probe → 403 ROUTE_NOT_CONFIGURED/),
        expect.stringMatching(/^anonymous POST \/api\/route-guard-probe\/public → 201/),
        expect.stringMatching(/^viewer POST \/api\/route-guard-probe\/public → 201/),
        expect.stringMatching(/^viewer POST \/api\/route-guard-probe\/viewer-write → 201/),
      ]),
    );
    // the fail-closed guard still refuses the undecorated route to an admin
    const admin = await dash.as('admin');
    expect((await admin.post('/api/route-guard-probe', {})).status).toBe(403);
  });
});
