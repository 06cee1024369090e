import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, startDnsFake, startDockerFake, waitFor, type DnsFake, type DockerFake } from '@homelab/testing';
import { HARNESS_ADMIN, HARNESS_VIEWER, startDashboard, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import { chartHasDrawnSeries, DESKTOP, fitsViewportWidth, launchChromium, PHONE, screenshot } from './browser.test-helpers.js';
import { buildWebUi } from './build-ui.test-helpers.js';
import { pageProblems, signIn } from './ui-session.test-helpers.js';

/**
 * The dashboard's UI driven in Debian's Chromium against the whole service
 * (real PostgreSQL and NATS), a Docker Engine fake on a unix socket and a
 * DNS fake on UDP. Real: the browser, the built UI, the service, dockerode,
 * the resolver. Faked: the Docker engine, the DNS server. Screenshots go to
 * test-artifacts/e2e/.
 */

const STEP_MS = 20_000;

/** The catalog the dashboard starts with: one entry it can check, one it must refuse (line 8). */
const catalogYaml = (port: number, extra = ''): string => `services:
  - name: Intranet
    group: Home
    url: http://127.0.0.1:${port}/
    check: { tcp: 127.0.0.1:${port} }
${extra}`;
const BAD_PORT_ENTRY = `  - name: Game box
    check:
      tcp: gamebox.lan:99999
`;

describe('dashboard UI in Chromium', () => {
  let workDir: string;
  let webDir: string;
  let tcpService: Server;
  let tcpPort: number;
  let docker: DockerFake;
  let dns: DnsFake;
  let site: HttpsServer;
  let sitePort: number;
  let dash: DashboardHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const { pageErrors, cspViolations, watch } = pageProblems();

  const url = (path: string): string => `${dash.url}${path}`;
  const nav = (label: string) => page.locator('#main-nav').getByRole('link', { name: label, exact: false });
  const containerRow = (name: string) => page.locator(`section[data-host="local"] tr[data-container="${name}"]`);

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'homelab-e2e-'));
    webDir = join(workDir, 'web');
    const building = buildWebUi(webDir);
    // a service for the catalog's TCP check to find up
    tcpService = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => tcpService.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcpService.address() as AddressInfo).port;
    const catalogFile = join(workDir, 'catalog.yaml');
    await writeFile(catalogFile, catalogYaml(tcpPort, BAD_PORT_ENTRY));
    docker = await startDockerFake();
    docker.seedContainer({
      name: 'web',
      image: 'nginx:1.27',
      hostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
      logs: [
        { stream: 'stdout', line: 'nginx: ready for start up' },
        { stream: 'stderr', line: 'warn: no upstream configured' },
      ],
      stats: { cpuPercent: 3.5, memoryUsage: 48 * 1024 * 1024, memoryLimit: 512 * 1024 * 1024 },
    });
    docker.seedContainer({ name: 'db', image: 'postgres:16', env: ['POSTGRES_PASSWORD=not-shown-anywhere'] });
    docker.seedContainer({ name: 'worker', image: 'busybox:latest', running: false });
    dns = await startDnsFake({ 'intranet.homelab.test': { A: ['127.0.0.1'] } });
    // a site whose self-signed certificate expires in 12 days: reachable, but not trusted
    site = createHttpsServer(await selfSignedCertificate('intranet.homelab.test', 12), (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>intranet</h1>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    sitePort = (site.address() as AddressInfo).port;
    dash = await startDashboard({
      env: {
        DASHBOARD_WEB_DIR: webDir,
        // a second host whose socket does not exist: the UI must show it down with its error
        DOCKER_HOSTS: `local=unix://${docker.socketPath},nas=unix://${join(workDir, 'absent-docker.sock')}`,
        CATALOG_FILE: catalogFile,
        HOST_METRICS_INTERVAL_MS: '500',
        DNS_SERVERS: dns.server,
      },
    });
    // the harness creates its admin and viewer accounts on first use
    await dash.as('admin');
    await dash.as('viewer');
    await building;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark', reducedMotion: 'reduce' });
    context.setDefaultTimeout(STEP_MS);
    page = await context.newPage();
    await watch(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await docker?.close();
    await dns?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await new Promise((resolve) => (tcpService ? tcpService.close(resolve) : resolve(undefined)));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('sends a visitor to the login page, refuses a wrong password, then signs in through the form', { timeout: 60_000 }, async () => {
    await page.goto(url('/containers'));
    await page.waitForURL(/\/login\?next=%2Fcontainers$/);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset['theme'])).toBe('dark');
    await screenshot(page, '01-login-desktop-dark');

    await signIn(page, { username: HARNESS_ADMIN.username, password: 'not-the-password-at-all' });
    const refusal = page.getByRole('alert').filter({ hasText: /./ });
    await refusal.first().waitFor();
    expect(await refusal.first().innerText()).toMatch(/password|credentials/i);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await screenshot(page, '02-login-refused-desktop-dark');

    await signIn(page, HARNESS_ADMIN);
    await page.waitForURL(url('/containers'));
    await page.getByRole('heading', { name: 'Containers', level: 1 }).waitFor();
  });

  it('lists the containers by host, and shows the unreachable host with its error', { timeout: 60_000 }, async () => {
    for (const name of ['web', 'db', 'worker']) await containerRow(name).waitFor();
    expect(await containerRow('web').innerText()).toContain('nginx:1.27');
    expect(await containerRow('web').innerText()).toContain('8080→80/tcp');
    expect(await containerRow('worker').innerText()).toContain('created');
    expect(await containerRow('worker').locator('button[data-action="start"]').count()).toBe(1);
    const nas = page.locator('section[data-host="nas"]');
    await nas.getByRole('alert').waitFor();
    expect(await nas.getByRole('alert').innerText()).toMatch(/Docker host “nas” is unreachable\.\s+\S+/);
    await screenshot(page, '03-containers-desktop-dark');
  });

  it('restarts a container, and the engine receives the restart', { timeout: 60_000 }, async () => {
    const webId = docker.inspect('web')?.Id ?? '';
    const restartsBefore = docker.calls.filter((call) => call.method === 'POST' && call.path === `/containers/${webId}/restart`).length;
    await containerRow('web').locator('button[data-action="restart"]').click();
    await page.getByRole('status').filter({ hasText: 'Restarted web.' }).waitFor();
    const restarts = docker.calls.filter((call) => call.method === 'POST' && call.path === `/containers/${webId}/restart` && call.status === 204);
    expect(restarts.length).toBe(restartsBefore + 1);
    await screenshot(page, '04-container-restarted-desktop-dark');
  });

  it('says clearly when a container vanished between the list and the action', { timeout: 60_000 }, async () => {
    docker.failNext({ method: 'POST', path: /^\/containers\/[^/]+\/restart$/, status: 404, message: 'No such container: db' });
    await containerRow('db').locator('button[data-action="restart"]').click();
    const toast = page.locator('.toasts [role="alert"]');
    await toast.waitFor();
    expect(await toast.innerText()).toMatch(/db|no longer|not found|gone/i);
    await screenshot(page, '05-container-gone-desktop-dark');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('streams a container’s log live', { timeout: 60_000 }, async () => {
    await containerRow('web').getByRole('link', { name: 'web' }).click();
    await page.waitForURL(/\/containers\/local\/[0-9a-f]{12,64}$/);
    const log = page.getByRole('log');
    await log.getByText('nginx: ready for start up').waitFor();
    await page.locator('.badge.live').waitFor();
    docker.appendLogs('web', [{ stream: 'stdout', line: 'GET /healthz 200 (from the e2e test)' }]);
    await log.getByText('GET /healthz 200 (from the e2e test)').waitFor();
    await screenshot(page, '06-container-logs-desktop-dark');
  });

  it('draws live host metrics charts', { timeout: 60_000 }, async () => {
    await nav('Host metrics').click();
    await page.waitForURL(url('/host'));
    const cpu = page.locator('figure[data-chart="CPU"]');
    await cpu.waitFor();
    // live samples arrive every 500 ms over the event stream: wait for a line to be drawable, then drawn
    await waitFor(async () => Number(await cpu.getAttribute('data-points')) >= 3, { timeoutMs: STEP_MS, message: 'three CPU samples' });
    await waitFor(() => chartHasDrawnSeries(cpu, '--chart-1'), { timeoutMs: STEP_MS, message: 'the CPU line drawn on the canvas' });
    for (const title of ['Memory', 'Load', 'Network', 'Disk used']) await page.locator(`figure[data-chart="${title}"] canvas`).waitFor();
    await screenshot(page, '07-host-metrics-desktop-dark');
  });

  it('adds a domain through the form and lists it with its checks', { timeout: 60_000 }, async () => {
    await nav('Domains').click();
    await page.waitForURL(url('/domains'));
    await page.getByRole('button', { name: 'Add domain' }).click();
    const form = page.getByRole('form', { name: 'Add domain' });
    await form.getByLabel('Domain').fill('https://Missing.Homelab.test/');
    await form.getByRole('button', { name: 'Add domain' }).click();
    const row = page.locator('tr[data-domain="missing.homelab.test"]');
    await row.waitFor();
    expect(await row.locator('td[data-label="Status"]').innerText()).toMatch(/down|unknown/);
    // the name does not resolve: the DNS column says so in words
    await waitFor(async () => (await row.locator('td[data-label="DNS"] .error-text').count()) > 0, { timeoutMs: STEP_MS, message: 'the DNS error shown' });
    expect((await row.locator('td[data-label="DNS"]').innerText()).trim().length).toBeGreaterThan(3);
    expect(dns.queries.map((query) => query.name)).toContain('missing.homelab.test');

    // a name the fake DNS serves, on a local HTTPS port: it resolves, its certificate is counted down and distrusted,
    // and (the checker sends no request over an invalid certificate) the HTTP column says why
    await page.getByRole('button', { name: 'Add domain' }).click();
    await form.getByLabel('Domain').fill('intranet.homelab.test');
    await form.getByLabel('Port').fill(String(sitePort));
    await form.getByRole('button', { name: 'Add domain' }).click();
    const intranet = page.locator('tr[data-domain="intranet.homelab.test"]');
    await intranet.waitFor();
    expect(await intranet.locator('td[data-label="DNS"]').innerText()).toContain('127.0.0.1');
    expect(await intranet.locator('td[data-label="HTTP"]').innerText()).toMatch(/certificate is not valid/);
    const certificate = await intranet.locator('td[data-label="Certificate"]').innerText();
    expect(certificate).toMatch(/1[12] days/);
    expect(certificate).toMatch(/not trusted/);
    await screenshot(page, '08-domains-desktop-dark');

    // a link scan runs in the background; its dialog follows it to the end and says why it failed
    await intranet.getByRole('button', { name: 'Scan links' }).click();
    const scan = page.getByRole('dialog', { name: 'Link scan of intranet.homelab.test' });
    await scan.getByText(/Scan (finished|failed)\./).waitFor();
    expect(await scan.innerText()).toMatch(/certificate not trusted/);
    await screenshot(page, '08b-link-scan-desktop-dark');
    await scan.getByRole('button', { name: 'Close' }).click();
  });

  it('shows the catalog’s problems plainly, checks on demand, and validates edits by line', { timeout: 60_000 }, async () => {
    await nav('Services').click();
    await page.waitForURL(url('/services'));
    const problems = page.locator('.banner-warn').filter({ hasText: 'The catalog file has 1 problem(s)' });
    await problems.waitFor();
    expect(await problems.innerText()).toContain('line 8 (Game box): check.tcp: the port must be between 1 and 65535');
    const intranet = page.locator('tr[data-entry="Intranet"]');
    await intranet.getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('status').filter({ hasText: 'Intranet: up' }).waitFor();
    await intranet.locator('.badge', { hasText: 'up' }).waitFor();
    await screenshot(page, '09-services-catalog-desktop-dark');

    await page.getByRole('button', { name: 'Edit catalog' }).click();
    const editor = page.getByLabel('Catalog YAML');
    await expect.poll(() => editor.inputValue()).toContain('Game box');
    await editor.fill(catalogYaml(tcpPort, '  - name: Typo\n    chek: { tcp: a:1 }\n'));
    await page.getByRole('button', { name: 'Validate and save' }).click();
    const refusal = page.locator('dialog .banner-bad');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/Nothing was saved\.[\s\S]*line 7[\s\S]*Typo[\s\S]*unknown key "chek"/);
    await page.locator('.gutter-line.bad', { hasText: '7' }).waitFor();
    await screenshot(page, '10-catalog-editor-invalid-desktop-dark');

    await editor.fill(catalogYaml(tcpPort));
    await page.getByRole('button', { name: 'Validate and save' }).click();
    await page.getByRole('status').filter({ hasText: 'Catalog saved: 1 service(s).' }).waitFor();
    await expect.poll(() => problems.count()).toBe(0);
  });

  it('switches to the light theme and remembers it', { timeout: 60_000 }, async () => {
    const theme = (): Promise<string | undefined> =>
      page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset['theme']);
    await page.locator('[data-theme-toggle]').click();
    expect(await theme()).toBe('light');
    await page.reload();
    await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
    expect(await theme()).toBe('light');
    await screenshot(page, '11-services-desktop-light');
    await nav('Containers').click();
    await containerRow('web').waitFor();
    await screenshot(page, '12-containers-desktop-light');
  });

  it('fits a 390 px phone: no sideways scrolling, the navigation behind a menu', { timeout: 90_000 }, async () => {
    await page.setViewportSize(PHONE);
    await page.goto(url('/'));
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const sidebar = page.locator('#main-nav');
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    expect(await sidebar.isVisible()).toBe(true);
    expect(await sidebar.evaluate((element: { getBoundingClientRect(): { right: number } }) => element.getBoundingClientRect().right)).toBeLessThanOrEqual(0);
    expect(await fitsViewportWidth(page)).toBe(true);
    await screenshot(page, '13-overview-phone-light');

    await menu.click();
    await expect.poll(() => sidebar.evaluate((element: { getBoundingClientRect(): { left: number } }) => element.getBoundingClientRect().left)).toBe(0);
    await screenshot(page, '14-menu-phone-light');
    await nav('Containers').click();
    await page.waitForURL(url('/containers'));
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
    await containerRow('web').waitFor();
    expect(await fitsViewportWidth(page)).toBe(true);
    await screenshot(page, '15-containers-phone-light');

    await page.locator('[data-theme-toggle]').click();
    await screenshot(page, '16-containers-phone-dark');
    for (const [path, ready, name] of [
      ['/host', 'figure[data-chart="CPU"] canvas', '17-host-metrics-phone-dark'],
      ['/domains', 'tr[data-domain="missing.homelab.test"]', '18-domains-phone-dark'],
    ] as const) {
      await page.goto(url(path));
      await page.locator(ready).waitFor();
      expect(await fitsViewportWidth(page), path).toBe(true);
      await screenshot(page, name);
    }
    await page.setViewportSize(DESKTOP);
  });

  it('shows every other page against the real API without a failure', { timeout: 90_000 }, async () => {
    const pages = [
      ['/', 'Overview', '19-overview-desktop-dark'],
      ['/services', 'Services', '20-services-desktop-dark'],
      ['/databases', 'Databases', '21-databases-desktop-dark'],
      ['/alerts?state=all', 'Alerts', '22-alerts-desktop-dark'],
      ['/users', 'Users', '23-users-desktop-dark'],
    ] as const;
    for (const [path, heading, name] of pages) {
      await page.goto(url(path));
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      // every loading state settles into data, an empty state or an error message
      await waitFor(async () => (await page.locator('.loading').count()) === 0, { timeoutMs: STEP_MS, message: `${path} loaded` });
      expect(await page.getByText('This page failed to show.').count(), path).toBe(0);
      const errors = await page.locator('.banner-bad .error-message').allInnerTexts();
      expect(errors, path).toEqual([]);
      await screenshot(page, name);
    }
    // the domain that does not resolve raised an alert; an admin acknowledges it
    await page.goto(url('/alerts'));
    const alert = page.locator('li[data-alert="domain:missing.homelab.test:443"]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('missing.homelab.test does not resolve');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await alert.getByText(/acknowledged .* by admin/).waitFor();
    expect(await alert.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    await screenshot(page, '24-alert-acknowledged-desktop-dark');
  });

  it('shows a viewer no buttons it cannot use', { timeout: 60_000 }, async () => {
    const viewerContext = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light', reducedMotion: 'reduce' });
    viewerContext.setDefaultTimeout(STEP_MS);
    const viewer = await viewerContext.newPage();
    await watch(viewer);
    await viewer.goto(url('/login?next=%2Fcontainers'));
    await signIn(viewer, HARNESS_VIEWER);
    await viewer.waitForURL(url('/containers'));
    await viewer.locator('section[data-host="local"] tr[data-container="web"]').waitFor();
    expect(await viewer.locator('button[data-action]').count()).toBe(0);
    expect(await viewer.locator('#main-nav').getByRole('link', { name: 'Users' }).count()).toBe(0);
    await screenshot(viewer, '25-containers-viewer-desktop-light');
    await viewer.goto(url('/domains'));
    await viewer.locator('tr[data-domain="missing.homelab.test"]').waitFor();
    expect(await viewer.getByRole('button', { name: /Add domain|Check now|Delete|Edit/ }).count()).toBe(0);
    await viewerContext.close();
  });

  it('returns to the login page when the session ends', { timeout: 60_000 }, async () => {
    await page.goto(url('/containers'));
    await containerRow('web').waitFor();
    await context.clearCookies();
    // the next poll (every 5 s) answers 401
    await page.waitForURL(/\/login\?next=%2Fcontainers$/, { timeout: STEP_MS });
    await page.getByText('Your session ended. Sign in again.').waitFor();
    await screenshot(page, '26-session-ended-desktop-dark');
  });

  it('ran without script errors or anything the Content-Security-Policy refused', async () => {
    // the policy really is in force on the page (else no violation could ever be reported)
    const index = await fetch(url('/'));
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
