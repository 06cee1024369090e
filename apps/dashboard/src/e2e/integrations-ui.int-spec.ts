import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startGoogleFake, startHomeAssistantFake, waitFor, type GoogleFake, type HomeAssistantFake } from '@homelab/testing';
import { HARNESS_ADMIN, HARNESS_VIEWER, startDashboard, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import { DESKTOP, fitsViewportWidth, launchChromium, PHONE, screenshot } from './browser.test-helpers.js';
import { buildWebUi } from './build-ui.test-helpers.js';
import { pageProblems, signedInPage } from './ui-session.test-helpers.js';

/**
 * The Home Assistant and Google panels in Debian's Chromium against the whole
 * dashboard (real PostgreSQL and NATS). Real: the browser, the built UI, the
 * service, home-assistant-js-websocket, googleapis and google-auth-library.
 * Faked: Home Assistant (WebSocket and REST) and Google (OAuth and the three
 * APIs), each on 127.0.0.1. Screenshots go to test-artifacts/e2e/.
 */

const STEP_MS = 20_000;
const HOUR_MS = 3_600_000;

/** What the fake Google account holds: two events this week, one next month, unread and read mail, Drive files. */
function googleData() {
  const at = (ms: number): string => new Date(Date.now() + ms).toISOString();
  const day = (days: number): string => new Date(Date.now() + days * 24 * HOUR_MS).toISOString().slice(0, 10);
  return {
    events: [
      { id: 'ev-dentist', summary: 'Dentist', location: 'Main Street 1', start: { dateTime: at(26 * HOUR_MS) }, end: { dateTime: at(27 * HOUR_MS) } },
      { id: 'ev-trip', summary: 'Trip to the coast', start: { date: day(3) }, end: { date: day(5) } },
      { id: 'ev-later', summary: 'Far away', start: { dateTime: at(40 * 24 * HOUR_MS) }, end: { dateTime: at(41 * 24 * HOUR_MS) } },
    ],
    messages: [
      { id: 'msg-dinner', from: 'Ann <ann@example.test>', subject: 'Dinner on Friday?', date: at(-2 * HOUR_MS), labelIds: ['INBOX', 'UNREAD'] },
      { id: 'msg-invoice', from: 'Power Company <billing@example.test>', subject: 'Your invoice', date: at(-5 * HOUR_MS), labelIds: ['INBOX', 'UNREAD'] },
      { id: 'msg-old', from: 'Bob <bob@example.test>', subject: 'Already read', date: at(-48 * HOUR_MS), labelIds: ['INBOX'] },
    ],
    files: [
      { id: 'file-budget', name: 'Budget 2027', mimeType: 'application/vnd.google-apps.spreadsheet', modifiedTime: at(-HOUR_MS), webViewLink: 'https://docs.google.com/spreadsheets/d/file-budget' },
      { id: 'file-photo', name: 'garden.jpg', mimeType: 'image/jpeg', modifiedTime: at(-30 * HOUR_MS) },
    ],
  };
}

describe('Home Assistant and Google panels in Chromium', () => {
  let workDir: string;
  let ha: HomeAssistantFake;
  let google: GoogleFake;
  let dash: DashboardHarness;
  let browser: Browser;
  let page: Page;
  const problems = pageProblems();

  const url = (path: string): string => `${dash.url}${path}`;
  const entity = (target: Page, entityId: string) => target.locator(`li[data-entity="${entityId}"]`);
  const toggle = (target: Page, entityId: string) => target.locator(`button[data-toggle="${entityId}"]`);

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'homelab-e2e-integrations-'));
    const webDir = join(workDir, 'web');
    const building = buildWebUi(webDir);
    const token = randomBytes(24).toString('hex');
    ha = await startHomeAssistantFake({ token });
    // the dashboard's address must be known before it starts: it is Google's redirect URI
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    google = await startGoogleFake({
      clientId: `e2e-${randomBytes(6).toString('hex')}.apps.googleusercontent.com`,
      clientSecret: randomBytes(24).toString('base64url'),
      email: 'owner@example.test',
      redirectUris: [`${publicUrl}/api/google/callback`],
      ...googleData(),
    });
    dash = await startDashboard({
      env: {
        DASHBOARD_WEB_DIR: webDir,
        HTTP_PORT: String(port),
        DASHBOARD_PUBLIC_URL: publicUrl,
        // a revocation at Google shows at the next page load, not a minute later
        GOOGLE_CACHE_MS: '1',
        DATA_ENCRYPTION_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
        HOME_ASSISTANT_URL: ha.url,
        HOME_ASSISTANT_TOKEN: token,
        ...google.env(),
      },
    });
    await dash.as('admin');
    await dash.as('viewer');
    await building;
    browser = await launchChromium();
    page = await signedInPage(browser, { baseUrl: dash.url, credentials: HARNESS_ADMIN, path: '/home', timeoutMs: STEP_MS, problems });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await ha?.close();
    await google?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('shows Home Assistant’s entities grouped by domain, live', { timeout: 60_000 }, async () => {
    await page.getByRole('heading', { name: 'Home Assistant', level: 1 }).waitFor();
    await entity(page, 'light.kitchen').waitFor();
    const titles = await page.locator('section.entity-group h2').allInnerTexts();
    expect(titles.map((title) => title.replace(/\s*\d+$/, ''))).toEqual(['Lights', 'Switches', 'Fans', 'Input booleans', 'Scenes', 'Sensors', 'Binary sensors']);
    expect(await entity(page, 'sensor.outdoor_temperature').innerText()).toContain('12.5 °C');
    expect(await toggle(page, 'light.living_room').getAttribute('aria-checked')).toBe('true');
    expect(await toggle(page, 'light.kitchen').getAttribute('aria-checked')).toBe('false');
    // sensors have no switch; a scene has a button instead
    expect(await toggle(page, 'sensor.outdoor_temperature').count()).toBe(0);
    await page.locator('button[data-activate="scene.movie_night"]').waitFor();

    // a change made at the wall reaches the page without a reload
    ha.setState('switch.coffee_maker', 'on');
    await waitFor(async () => (await toggle(page, 'switch.coffee_maker').getAttribute('aria-checked')) === 'true', { timeoutMs: STEP_MS, message: 'the coffee maker shown on' });
    await screenshot(page, 'home-01-entities-desktop-dark');
  });

  it('toggles a light, and Home Assistant receives the call', { timeout: 60_000 }, async () => {
    await toggle(page, 'light.kitchen').click();
    await waitFor(async () => (await toggle(page, 'light.kitchen').getAttribute('aria-checked')) === 'true', { timeoutMs: STEP_MS, message: 'the kitchen light shown on' });
    expect(ha.state('light.kitchen')?.state).toBe('on');
    expect(ha.serviceCalls.some((call) => call.entityIds.includes('light.kitchen') && ['light', 'homeassistant'].includes(call.domain))).toBe(true);

    await page.locator('button[data-activate="scene.movie_night"]').click();
    await page.getByRole('status').filter({ hasText: 'Scene “Movie Night” activated.' }).waitFor();
    await waitFor(async () => (await toggle(page, 'light.kitchen').getAttribute('aria-checked')) === 'false', { timeoutMs: STEP_MS, message: 'the scene turned the kitchen light off' });
    expect(ha.serviceCalls.some((call) => call.domain === 'scene' && call.entityIds.includes('scene.movie_night'))).toBe(true);
  });

  it('keeps the last known state, marked stale, while Home Assistant is offline, and recovers', { timeout: 90_000 }, async () => {
    await ha.stop();
    const banner = page.locator('[data-ha-offline]');
    await banner.waitFor({ timeout: STEP_MS });
    expect(await banner.innerText()).toMatch(/Home Assistant is offline\.[\s\S]*last known state[\s\S]*from .+\d/);
    await entity(page, 'light.living_room').locator('.badge', { hasText: 'stale' }).waitFor();
    expect(await toggle(page, 'light.living_room').isDisabled()).toBe(true);
    // the last states are still there
    expect(await entity(page, 'sensor.outdoor_temperature').innerText()).toContain('12.5 °C');
    await screenshot(page, 'home-02-stale-desktop-dark');

    await page.setViewportSize(PHONE);
    expect(await fitsViewportWidth(page)).toBe(true);
    await screenshot(page, 'home-03-stale-phone-dark');
    await page.setViewportSize(DESKTOP);

    await ha.restart();
    await banner.waitFor({ state: 'detached', timeout: 45_000 });
    await waitFor(async () => !(await toggle(page, 'light.living_room').isDisabled()), { timeoutMs: STEP_MS, message: 'the switches usable again' });
    expect(await page.locator('li.entity .badge', { hasText: 'stale' }).count()).toBe(0);
  });

  it('shows a viewer the states without switches, in the light theme and at phone width', { timeout: 60_000 }, async () => {
    const viewer = await signedInPage(browser, { baseUrl: dash.url, credentials: HARNESS_VIEWER, path: '/home', colorScheme: 'light', timeoutMs: STEP_MS, problems });
    await entity(viewer, 'light.kitchen').waitFor();
    expect(await viewer.locator('button[data-toggle], button[data-activate]').count()).toBe(0);
    await screenshot(viewer, 'home-04-viewer-desktop-light');
    await viewer.setViewportSize(PHONE);
    expect(await fitsViewportWidth(viewer)).toBe(true);
    await screenshot(viewer, 'home-05-viewer-phone-light');
    await viewer.context().close();
  });

  it('says when Google’s consent was declined, then connects through the consent page', { timeout: 60_000 }, async () => {
    await page.goto(url('/google'));
    const connect = page.locator('[data-google-connect]');
    await page.getByRole('region', { name: 'Connect Google' }).waitFor();
    await screenshot(page, 'google-01-not-connected-desktop-dark');

    google.denyNextAuthorization('access_denied');
    await connect.click();
    await page.waitForURL(/\/google\?error=access_denied$/);
    const refusal = page.locator('[data-google-error]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/declined on Google’s consent page/);
    await screenshot(page, 'google-02-declined-desktop-dark');
    await refusal.getByRole('button', { name: 'Dismiss' }).click();
    await page.waitForURL(url('/google'));

    await connect.click();
    await page.waitForURL(url('/google'));
    await page.locator('[data-google-email]', { hasText: 'owner@example.test' }).waitFor();
    const asked = google.authorizations.at(-1);
    expect(asked?.hasCodeChallenge).toBe(true);
    expect(asked?.scopes).toEqual(expect.arrayContaining(['https://www.googleapis.com/auth/calendar.readonly', 'https://www.googleapis.com/auth/gmail.metadata', 'https://www.googleapis.com/auth/drive.metadata.readonly']));
  });

  it('lists the upcoming events, the unread mail and the recent Drive files', { timeout: 60_000 }, async () => {
    const calendar = page.locator('[data-google="calendar"]');
    await calendar.locator('li[data-event="ev-dentist"]').waitFor();
    const events = await calendar.locator('li').allInnerTexts();
    expect(events.join('\n')).toMatch(/Dentist[\s\S]*Main Street 1[\s\S]*Trip to the coast[\s\S]*all day/);
    expect(events.join('\n')).not.toContain('Far away');
    const mail = page.locator('[data-google="gmail"]');
    await mail.locator('[data-unread="2"]').waitFor();
    expect(await mail.innerText()).toMatch(/Dinner on Friday\?[\s\S]*Your invoice/);
    expect(await mail.innerText()).not.toContain('Already read');
    const drive = page.locator('[data-google="drive"]');
    await drive.getByRole('link', { name: 'Budget 2027' }).waitFor();
    expect(await drive.innerText()).toContain('garden.jpg');
    await screenshot(page, 'google-03-connected-desktop-dark');
    await page.setViewportSize(PHONE);
    expect(await fitsViewportWidth(page)).toBe(true);
    await screenshot(page, 'google-04-connected-phone-dark');
    await page.setViewportSize(DESKTOP);
  });

  it('asks to reconnect when Google revoked the access, and reconnects', { timeout: 60_000 }, async () => {
    google.revokeAll();
    google.expireAccessTokens();
    await page.reload();
    const prompt = page.locator('[data-google-reconnect]');
    await prompt.waitFor();
    expect(await prompt.innerText()).toMatch(/connected again/);
    await screenshot(page, 'google-05-reconnect-desktop-dark');
    await prompt.getByRole('link', { name: 'Reconnect' }).click();
    await page.waitForURL(url('/google'));
    await page.locator('[data-google="calendar"] li[data-event="ev-dentist"]').waitFor();
    expect(await prompt.count()).toBe(0);
  });

  it('shows a viewer the Google panel without connect or disconnect buttons', { timeout: 60_000 }, async () => {
    const viewer = await signedInPage(browser, { baseUrl: dash.url, credentials: HARNESS_VIEWER, path: '/google', colorScheme: 'light', timeoutMs: STEP_MS, problems });
    await viewer.locator('[data-google="calendar"] li[data-event="ev-dentist"]').waitFor();
    expect(await viewer.getByRole('button', { name: 'Disconnect' }).count()).toBe(0);
    expect(await viewer.locator('[data-google-connect]').count()).toBe(0);
    await screenshot(viewer, 'google-06-viewer-desktop-light');
    await viewer.setViewportSize(PHONE);
    await screenshot(viewer, 'google-07-viewer-phone-light');
    await viewer.context().close();
  });

  it('disconnects Google after a confirmation, revoking the token', { timeout: 60_000 }, async () => {
    const revocationsBefore = google.revocations;
    await page.getByRole('button', { name: 'Disconnect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disconnect Google?' });
    await dialog.waitFor();
    await screenshot(page, 'google-08-disconnect-confirm-desktop-dark');
    await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('region', { name: 'Connect Google' }).waitFor();
    expect(google.revocations).toBe(revocationsBefore + 1);
    expect(await page.locator('[data-google]').count()).toBe(0);
  });

  it('ran without script errors or anything the Content-Security-Policy refused', () => {
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });
});
