import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  natsUrl,
  serviceTestEnv,
  startOpenAiFake,
  startServiceProcess,
  startTcpProxy,
  uniqueSubjectPrefix,
  waitFor,
  type FakeChatRequest,
  type OpenAiFake,
  type ServiceProcess,
  type TcpProxy,
  type TestDatabase,
} from '@homelab/testing';
import { HARNESS_ADMIN, startDashboard, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import { DESKTOP, fitsViewportWidth, launchChromium, PHONE, screenshot } from './browser.test-helpers.js';
import { buildWebUi } from './build-ui.test-helpers.js';
import { pageProblems, signedInPage } from './ui-session.test-helpers.js';

/**
 * The Jarvis chat in Debian's Chromium against the whole dashboard (real
 * PostgreSQL and NATS) and a real jarvis-guard in its own process (built
 * dist; it runs approved commands on this machine as `local`). Real: the
 * browser, the built UI, the service, the `openai` client, the guard with its
 * default policy. Faked: the model (a scripted OpenAI-compatible server, behind
 * a TCP proxy that can cut it off). Screenshots go to test-artifacts/e2e/.
 */

const STEP_MS = 20_000;
const ANSWER = 'All five services are up. The disk of local is 62 % full, nothing to worry about yet.';

const lastRole = (request: FakeChatRequest): string | undefined => request.messages.at(-1)?.role;

describe('Jarvis chat in Chromium', () => {
  const prefix = uniqueSubjectPrefix('jarvis-e2e');
  let workDir: string;
  let guardDb: TestDatabase;
  let guard: ServiceProcess;
  let model: OpenAiFake;
  let modelProxy: TcpProxy;
  let dash: DashboardHarness;
  let browser: Browser;
  let page: Page;
  const problems = pageProblems();

  const url = (path: string): string => `${dash.url}${path}`;
  const composer = () => page.getByLabel('Message', { exact: true });
  const assistant = (status?: string) => page.locator(`article[data-role="assistant"]${status ? `[data-status="${status}"]` : ''}`);
  const pane = () => page.locator('.chat-pane[data-conversation]');

  async function newConversation(): Promise<void> {
    await page.goto(url('/jarvis'));
    await page.getByRole('heading', { name: 'New conversation', level: 2 }).waitFor();
  }

  async function ask(text: string): Promise<void> {
    await composer().fill(text);
    await composer().press('Enter');
  }

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'homelab-e2e-jarvis-'));
    const webDir = join(workDir, 'web');
    const building = buildWebUi(webDir);
    guardDb = await createTestDatabase('guard');
    guard = await startServiceProcess('jarvis-guard', await serviceTestEnv({ databaseUrl: guardDb.url, natsUrl: natsUrl(), subjectPrefix: prefix }));
    model = await startOpenAiFake({ models: ['fake-model'] });
    modelProxy = await startTcpProxy(Number(new URL(model.baseUrl).port));
    dash = await startDashboard({
      subjectPrefix: prefix,
      env: {
        DASHBOARD_WEB_DIR: webDir,
        JARVIS_MODEL_BASE_URL: modelProxy.via(model.baseUrl),
        JARVIS_MODEL: 'fake-model',
      },
    });
    await dash.as('admin');
    await building;
    browser = await launchChromium();
    page = await signedInPage(browser, { baseUrl: dash.url, credentials: HARNESS_ADMIN, path: '/jarvis', timeoutMs: STEP_MS, problems });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await guard?.stop();
    await modelProxy?.close();
    await model?.close();
    await guardDb?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('streams an answer into a new conversation: Enter sends, Shift+Enter makes a new line', { timeout: 60_000 }, async () => {
    model.setScript(() => ({ text: ANSWER, chunkSize: 3, chunkDelayMs: 60 }));
    await newConversation();
    expect(await page.locator('.tool-chips').innerText()).toContain('run_command');
    await composer().fill('How is my homelab?');
    await composer().press('Shift+Enter');
    await composer().pressSequentially('Short answer please.');
    expect(await composer().inputValue()).toBe('How is my homelab?\nShort answer please.');
    await composer().press('Enter');
    await page.waitForURL(/\/jarvis\/[0-9a-f-]{36}$/);
    expect(await page.locator('article[data-role="user"] .chat-text').innerText()).toBe('How is my homelab?\nShort answer please.');

    // part of the answer is on screen while the rest is still coming
    const streaming = assistant('streaming').locator('.chat-text');
    await waitFor(async () => ((await streaming.count()) > 0 ? (await streaming.innerText()).length > 6 : false), { timeoutMs: STEP_MS, message: 'a partly streamed answer' });
    const partial = await streaming.innerText();
    expect(ANSWER.startsWith(partial.trim()), partial).toBe(true);
    expect(partial.trim().length).toBeLessThan(ANSWER.length);
    expect(await page.locator('button[data-stop]').isVisible()).toBe(true);
    await screenshot(page, 'jarvis-01-streaming-desktop-dark');

    await assistant('done').waitFor();
    expect(await assistant('done').locator('.chat-text').innerText()).toBe(ANSWER);
    expect(await composer().inputValue()).toBe('');
    await page.getByRole('button', { name: 'Send' }).waitFor();
    expect(model.requests.at(-1)?.messages.at(-1)).toMatchObject({ role: 'user', content: 'How is my homelab?\nShort answer please.' });
    // the conversation is listed, and a reload shows what was stored
    const id = page.url().split('/').at(-1) ?? '';
    await page.locator(`a[data-conversation-link="${id}"]`).waitFor();
    await page.reload();
    await assistant('done').locator('.chat-text', { hasText: ANSWER }).waitFor();
    await screenshot(page, 'jarvis-02-answered-desktop-dark');
  });

  it('asks for approval of a command, survives a reload while waiting, and runs it once an admin approves', { timeout: 90_000 }, async () => {
    const marker = join(tmpdir(), `jarvis-e2e-${randomBytes(6).toString('hex')}`);
    model.setScript((request) =>
      lastRole(request) === 'user'
        ? { text: 'I will create the marker file.', toolCalls: [{ name: 'run_command', arguments: { host: 'local', command: `touch ${marker}` } }] }
        : { text: `Done: ${marker} exists now.` },
    );
    await newConversation();
    await ask('Create the marker file, please.');
    await page.waitForURL(/\/jarvis\/[0-9a-f-]{36}$/);

    const card = page.locator('section[data-approval]');
    await card.waitFor();
    expect(await card.getByLabel('Command', { exact: true }).innerText()).toBe(`touch ${marker}`);
    const facts = await card.locator('.approval-facts').innerText();
    expect(facts).toMatch(/Host\s+local/);
    expect(facts).toMatch(/Rule\s+approve-file-changes/);
    expect(facts).toMatch(/creates, deletes or changes files/);
    expect(await card.locator('.approval-countdown').innerText()).toMatch(/expires in \d+:\d\d/);
    expect(await page.locator('.chat-header').innerText()).toContain('awaiting approval');
    expect(existsSync(marker)).toBe(false);
    await screenshot(page, 'jarvis-03-approval-desktop-dark');

    // a reload mid-turn shows the stored state: the card is still there, and so is Stop
    await page.reload();
    await card.waitFor();
    await page.locator('button[data-stop]').waitFor();
    const approve = card.getByRole('button', { name: 'Approve' });
    expect(await approve.isDisabled()).toBe(true);
    await card.getByLabel(/Reason/).fill('Checked: a harmless marker file in /tmp.');
    expect(await approve.isDisabled()).toBe(false);
    await approve.click();

    // the decision shows at once; the turn goes on and reports the command's result
    await card.locator('.badge', { hasText: 'approved' }).waitFor();
    const call = page.locator('div[data-tool="run_command"]');
    await page.locator('div[data-tool="run_command"][data-status="done"]').waitFor();
    await assistant().locator('.chat-text', { hasText: `Done: ${marker} exists now.` }).waitFor();
    expect(existsSync(marker)).toBe(true);
    expect(await card.innerText()).toMatch(/Decided by\s+admin/);
    await call.locator('summary').click();
    expect(await call.locator('.tool-result').innerText()).toMatch(/executed|exitCode/);
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await screenshot(page, 'jarvis-04-approved-desktop-dark');
    await rm(marker, { force: true });

    // the model saw the command's outcome
    const toolMessage = model.requests.at(-1)?.messages.find((message) => message.role === 'tool');
    expect(toolMessage?.content).toMatch(/exit|executed/i);
  });

  it('stops a slow answer: Stop ends the turn and keeps what was written', { timeout: 60_000 }, async () => {
    model.setScript(() => ({ text: 'counting '.repeat(300), chunkSize: 6, chunkDelayMs: 25 }));
    await newConversation();
    await ask('Count slowly.');
    const streaming = assistant('streaming').locator('.chat-text');
    await waitFor(async () => ((await streaming.count()) > 0 ? (await streaming.innerText()).includes('counting counting') : false), { timeoutMs: STEP_MS, message: 'the slow answer begun' });
    await page.locator('button[data-stop]').click();
    const stopped = assistant('stopped');
    await stopped.waitFor();
    expect(await stopped.locator('.badge', { hasText: 'stopped' }).count()).toBe(1);
    const kept = await stopped.locator('.chat-text').innerText();
    expect(kept).toContain('counting');
    expect(kept.length).toBeLessThan('counting '.repeat(300).length);
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await screenshot(page, 'jarvis-05-stopped-desktop-dark');
  });

  it('marks a dry-run conversation clearly, and its command only gets planned', { timeout: 60_000 }, async () => {
    const marker = join(tmpdir(), `jarvis-e2e-dry-${randomBytes(6).toString('hex')}`);
    model.setScript((request) =>
      lastRole(request) === 'user' ? { toolCalls: [{ name: 'run_command', arguments: { host: 'local', command: `touch ${marker}` } }] } : { text: 'That is the plan; nothing ran.' },
    );
    await newConversation();
    await page.getByRole('switch', { name: 'Dry run' }).check();
    await ask('What would creating the marker do?');
    await page.waitForURL(/\/jarvis\/[0-9a-f-]{36}$/);
    await page.locator('.dry-run-banner').waitFor();
    expect(await page.locator('.chat-header .badge', { hasText: 'dry run' }).count()).toBe(1);
    await assistant().locator('.chat-text', { hasText: 'That is the plan; nothing ran.' }).waitFor();
    expect(await page.locator('section[data-approval]').count()).toBe(0);
    expect(await page.locator('div[data-tool="run_command"]').getAttribute('data-status')).toBe('done');
    expect(existsSync(marker)).toBe(false);
    await screenshot(page, 'jarvis-06-dry-run-desktop-dark');

    // the switch is the conversation's own setting: off again after a reload, on in the list
    await page.getByRole('switch', { name: 'Dry run' }).uncheck();
    await page.getByRole('status').filter({ hasText: 'Dry run off' }).waitFor();
    await page.reload();
    await pane().waitFor();
    expect(await page.getByRole('switch', { name: 'Dry run' }).isChecked()).toBe(false);
    expect(await page.locator('.dry-run-banner').count()).toBe(0);
  });

  it('renames and deletes conversations from the list', { timeout: 60_000 }, async () => {
    const id = page.url().split('/').at(-1) ?? '';
    await page.getByRole('button', { name: 'Rename' }).click();
    const form = page.getByRole('form', { name: 'Rename conversation' });
    await form.getByLabel('Title').fill('Marker plans');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Marker plans', level: 2 }).waitFor();
    await page.locator(`a[data-conversation-link="${id}"]`, { hasText: 'Marker plans' }).waitFor();

    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.getByRole('button', { name: 'Delete conversation' }).click();
    await page.waitForURL(url('/jarvis'));
    await page.locator(`a[data-conversation-link="${id}"]`).waitFor({ state: 'detached' });
    expect((await (await dash.as('admin')).get(`/api/jarvis/conversations/${id}`)).status).toBe(404);
  });

  it('says plainly when no model is reachable, and the input stays usable', { timeout: 60_000 }, async () => {
    await modelProxy.cut();
    try {
      await newConversation();
      await ask('Are you there?');
      await page.waitForURL(/\/jarvis\/[0-9a-f-]{36}$/);
      const turnError = page.locator('.chat-turn-error');
      await turnError.waitFor();
      expect(await turnError.innerText()).toMatch(/could not reach its model/);
      const banner = page.locator('[data-model-unreachable]');
      await banner.waitFor();
      expect(await banner.innerText()).toContain(modelProxy.via(model.baseUrl));
      expect(await banner.innerText()).toMatch(/No model is reachable\./);
      expect(await composer().isEditable()).toBe(true);
      await composer().fill('I can still type.');
      expect(await page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
      await screenshot(page, 'jarvis-07-model-unreachable-desktop-dark');
      await page.setViewportSize(PHONE);
      expect(await fitsViewportWidth(page)).toBe(true);
      await screenshot(page, 'jarvis-08-model-unreachable-phone-dark');
      await page.setViewportSize(DESKTOP);
      // the rest of the dashboard is unaffected
      await page.locator('#main-nav').getByRole('link', { name: 'Containers' }).click();
      await page.getByRole('heading', { name: 'Containers', level: 1 }).waitFor();
    } finally {
      await modelProxy.restore();
    }
  });

  it('fits a 390 px phone in the light theme, with the approval card inline', { timeout: 90_000 }, async () => {
    const marker = join(tmpdir(), `jarvis-e2e-phone-${randomBytes(6).toString('hex')}`);
    model.setScript((request) =>
      lastRole(request) === 'user' ? { text: 'This needs your approval.', toolCalls: [{ name: 'run_command', arguments: { host: 'local', command: `touch ${marker}` } }] } : { text: 'Denied, so nothing ran.' },
    );
    const phone = await signedInPage(browser, { baseUrl: dash.url, credentials: HARNESS_ADMIN, path: '/jarvis', viewport: PHONE, colorScheme: 'light', timeoutMs: STEP_MS, problems });
    await phone.getByRole('heading', { name: 'New conversation', level: 2 }).waitFor();
    expect(await fitsViewportWidth(phone)).toBe(true);
    await screenshot(phone, 'jarvis-09-start-phone-light');
    await phone.getByLabel('Message', { exact: true }).fill('Make the marker file.');
    await phone.getByLabel('Message', { exact: true }).press('Enter');
    const card = phone.locator('section[data-approval]');
    await card.waitFor();
    expect(await fitsViewportWidth(phone)).toBe(true);
    // the list gives way to the conversation; the way back is a link
    expect(await phone.locator('.conversation-list').isVisible()).toBe(false);
    await phone.getByRole('link', { name: '← Conversations' }).waitFor();
    await screenshot(phone, 'jarvis-10-approval-phone-light');

    await card.getByLabel(/Reason/).fill('Not now.');
    await card.getByRole('button', { name: 'Deny' }).click();
    await card.locator('.badge', { hasText: 'denied' }).waitFor();
    await phone.locator('article[data-role="assistant"] .chat-text', { hasText: 'Denied, so nothing ran.' }).waitFor();
    expect(existsSync(marker)).toBe(false);
    await screenshot(phone, 'jarvis-11-denied-phone-light');
    await phone.setViewportSize(DESKTOP);
    await screenshot(phone, 'jarvis-12-denied-desktop-light');
    await phone.context().close();
  });

  it('explains the Home Assistant and Google panels when they are not set up', { timeout: 60_000 }, async () => {
    await page.goto(url('/home'));
    const home = page.locator('.empty', { hasText: 'Home Assistant is not set up' });
    await home.waitFor();
    expect(await home.innerText()).toMatch(/HOME_ASSISTANT_URL[\s\S]*HOME_ASSISTANT_TOKEN/);
    await screenshot(page, 'home-00-not-configured-desktop-dark');
    await page.goto(url('/google'));
    const google = page.locator('.empty', { hasText: 'Google is not set up' });
    await google.waitFor();
    expect(await google.innerText()).toMatch(/GOOGLE_CLIENT_ID[\s\S]*GOOGLE_CLIENT_SECRET/);
    expect(await google.innerText()).toContain(`${dash.url}/api/google/callback`);
    await screenshot(page, 'google-00-not-configured-desktop-dark');
  });

  it('ran without script errors or anything the Content-Security-Policy refused', () => {
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });
});
