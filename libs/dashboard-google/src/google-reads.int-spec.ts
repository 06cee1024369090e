// Real: @googleapis/calendar, gmail and drive, google-auth-library (refresh, `tokens` event),
// PostgreSQL (row lock, conditional writes), DataCipher. Faked: Google (startGoogleFake).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JarvisToolRegistry, type ToolContext } from '@homelab/jarvis';
import { startGoogleFake, type GoogleFake, type GoogleFakeEvent, type GoogleFakeFile, type GoogleFakeMessage } from '@homelab/testing';
import { GoogleAccountRepository } from './google-account.repository.js';
import { GoogleTokenCipher } from './google-token-cipher.js';
import { createGoogleTools } from './google-tools.js';
import type { GoogleService } from './google.service.js';
import { CLIENT_ID, CLIENT_SECRET, connect, googleTestDatabase, insertUser, makeService, recordingLogger, testCipher, type GoogleTestDatabase } from './testing/google.test-helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let database: GoogleTestDatabase;
let fake: GoogleFake;
let adminId: string;
const cipher = testCipher();
const tokens = new GoogleTokenCipher(cipher);

function iso(offsetMs: number): string {
  return new Date(Date.now() + offsetMs).toISOString();
}

function utcDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
}

function calendarFixture(): GoogleFakeEvent[] {
  return [
    { id: 'later', summary: 'Dentist', location: 'Main St 1', start: { dateTime: iso(3 * DAY) }, end: { dateTime: iso(3 * DAY + HOUR) } },
    { id: 'soon', summary: ' Stand-up ', start: { dateTime: iso(2 * HOUR) }, end: { dateTime: iso(2 * HOUR + 15 * 60_000) } },
    { id: 'past', summary: 'Yesterday', start: { dateTime: iso(-DAY) }, end: { dateTime: iso(-DAY + HOUR) } },
    { id: 'holiday', summary: 'Holiday', start: { date: utcDate(2) }, end: { date: utcDate(4) } },
    { id: 'ongoing', start: { dateTime: iso(-HOUR) }, end: { dateTime: iso(HOUR) } },
    { id: 'cancelled', summary: 'Cancelled', status: 'cancelled', start: { dateTime: iso(DAY) }, end: { dateTime: iso(DAY + HOUR) } },
    { id: 'far', summary: 'Next month', start: { dateTime: iso(20 * DAY) }, end: { dateTime: iso(20 * DAY + HOUR) } },
  ];
}

function mailFixture(): GoogleFakeMessage[] {
  const unread = Array.from({ length: 7 }, (_, i) => ({
    id: `u${i}`,
    from: `Sender ${i} <s${i}@example.test>`,
    subject: `Unread ${i}`,
    date: iso(-(i + 1) * HOUR),
    labelIds: ['INBOX', 'UNREAD'],
  }));
  return [
    ...unread,
    { id: 'read', from: 'a@example.test', subject: 'Read', date: iso(-10 * 60_000), labelIds: ['INBOX'] },
    { id: 'archived', from: 'b@example.test', subject: 'Archived unread', date: iso(-5 * 60_000), labelIds: ['UNREAD'] },
    { id: 'nosubject', from: 'c@example.test', date: iso(-1_000), labelIds: ['INBOX', 'UNREAD'] },
  ];
}

function driveFixture(): GoogleFakeFile[] {
  return Array.from({ length: 13 }, (_, i) => ({
    id: `f${i}`,
    name: `File ${i}`,
    mimeType: i % 2 === 0 ? 'application/vnd.google-apps.document' : 'application/pdf',
    modifiedTime: iso(-i * HOUR),
    ...(i === 1 ? {} : { webViewLink: `https://docs.google.com/d/f${i}` }),
    trashed: i === 0,
  }));
}

beforeAll(async () => {
  database = await googleTestDatabase();
  adminId = await insertUser(database.pool, 'admin', 'admin');
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  fake = await startGoogleFake({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    events: calendarFixture(),
    messages: mailFixture(),
    files: driveFixture(),
  });
  await database.pool.query('DELETE FROM google_account');
});

afterEach(async () => {
  await fake.close();
});

function service(options: Parameters<typeof makeService>[2] = {}): GoogleService {
  return makeService(fake, database.pool, { cipher, ...options });
}

async function connected(options: Parameters<typeof makeService>[2] = {}): Promise<GoogleService> {
  const google = service(options);
  await connect(google, adminId);
  return google;
}

async function stored(): Promise<{ access: string | null; refresh: string; expiresAt: Date | null; refreshedAt: Date | null }> {
  const account = await new GoogleAccountRepository(database.pool).get();
  if (account === null) throw new Error('no account row');
  return {
    access: account.accessTokenSecret === null ? null : tokens.open('access_token', account.accessTokenSecret),
    refresh: tokens.open('refresh_token', account.refreshTokenSecret),
    expiresAt: account.accessExpiresAt,
    refreshedAt: account.refreshedAt,
  };
}

function apiRequests(path: string): number {
  return fake.requests.filter((r) => r.path === path).length;
}

describe('reads', () => {
  it('calendar: single events of the primary calendar in the window, ordered by start, all-day events as dates', async () => {
    const google = await connected();
    const { events } = await google.calendar(7);
    expect(events.map((e) => e.id)).toEqual(['ongoing', 'soon', 'holiday', 'later']);
    expect(events[0]).toMatchObject({ summary: '(no title)', allDay: false, location: null });
    expect(events[1]).toMatchObject({ summary: 'Stand-up', allDay: false });
    expect(events[1]?.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(events[2]).toEqual({ id: 'holiday', summary: 'Holiday', start: utcDate(2), end: utcDate(4), allDay: true, location: null });
    expect(events[3]).toMatchObject({ summary: 'Dentist', location: 'Main St 1' });

    const request = fake.requests.find((r) => r.path === '/calendar/v3/calendars/primary/events');
    expect(request?.query.get('singleEvents')).toBe('true');
    expect(request?.query.get('orderBy')).toBe('startTime');
    const span = Date.parse(request?.query.get('timeMax') ?? '') - Date.parse(request?.query.get('timeMin') ?? '');
    expect(span).toBe(7 * DAY);
    expect((await google.calendar(30)).events.map((e) => e.id)).toContain('far');
  });

  it('calendar: converts event times with offsets to UTC', async () => {
    const google = await connected();
    const day = utcDate(1);
    fake.events.splice(0, fake.events.length, { id: 'tz', summary: 'Berlin', start: { dateTime: `${day}T10:00:00+01:00` }, end: { dateTime: `${day}T11:30:00+01:00` } });
    expect((await google.calendar(3)).events).toEqual([
      { id: 'tz', summary: 'Berlin', start: `${day}T09:00:00.000Z`, end: `${day}T10:30:00.000Z`, allDay: false, location: null },
    ]);
  });

  it('gmail: the inbox unread count from its label, and the newest 5 unread as metadata with three headers', async () => {
    const google = await connected();
    const summary = await google.gmail();
    expect(summary.unread).toBe(8);
    expect(summary.latest.map((m) => m.id)).toEqual(['nosubject', 'u0', 'u1', 'u2', 'u3']);
    expect(summary.latest[0]).toMatchObject({ from: 'c@example.test', subject: '(no subject)' });
    expect(summary.latest[1]).toEqual({ id: 'u0', from: 'Sender 0 <s0@example.test>', subject: 'Unread 0', date: fake.messages[0]?.date });

    const list = fake.requests.find((r) => r.path === '/gmail/v1/users/me/messages');
    expect(list?.query.getAll('labelIds')).toEqual(['INBOX', 'UNREAD']);
    expect(list?.query.has('q')).toBe(false);
    const gets = fake.requests.filter((r) => r.path.startsWith('/gmail/v1/users/me/messages/'));
    expect(gets).toHaveLength(5);
    for (const get of gets) {
      expect(get.query.get('format')).toBe('metadata');
      expect(get.query.getAll('metadataHeaders')).toEqual(['From', 'Subject', 'Date']);
    }
  });

  it('gmail: an empty inbox', async () => {
    const google = await connected();
    fake.messages.splice(0);
    expect(await google.gmail()).toEqual({ unread: 0, latest: [] });
  });

  it('drive: the 10 most recently modified files not in the trash, with the documented fields', async () => {
    const google = await connected();
    const { files } = await google.drive();
    expect(files.map((f) => f.id)).toEqual(['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10']);
    expect(files[0]).toEqual({ id: 'f1', name: 'File 1', mimeType: 'application/pdf', modifiedTime: fake.files[1]?.modifiedTime, webViewLink: null });
    expect(files[1]?.webViewLink).toBe('https://docs.google.com/d/f2');
    const request = fake.requests.find((r) => r.path === '/drive/v3/files');
    expect(request?.query.get('fields')).toBe('files(id,name,mimeType,modifiedTime,webViewLink)');
    expect(request?.query.get('orderBy')).toBe('modifiedTime desc');
  });

  it('checks the calendar window', async () => {
    const google = await connected();
    expect(google.calendarDays({})).toBe(7);
    expect(google.calendarDays({ days: '14' })).toBe(14);
    for (const days of ['0', '32', 'x', '1.5']) expect(() => google.calendarDays({ days })).toThrow(/days: must be a whole number from 1 to 31/);
  });

  it('serves repeated reads from a short cache, and concurrent ones with one request', async () => {
    const google = await connected({ settings: { cacheTtlMs: 60_000 } });
    await Promise.all([google.drive(), google.drive(), google.drive()]);
    await google.drive();
    expect(apiRequests('/drive/v3/files')).toBe(1);
    await google.calendar(7);
    await google.calendar(14);
    expect(apiRequests('/calendar/v3/calendars/primary/events')).toBe(2);
  });

  it('answers 409 GOOGLE_NOT_CONNECTED before an account is connected', async () => {
    await expect(service().calendar(7)).rejects.toMatchObject({ code: 'GOOGLE_NOT_CONNECTED' });
  });
});

describe('tokens', () => {
  it('refreshes an access token about to expire before using it, and stores the new one encrypted, keeping the refresh token', async () => {
    fake.setAccessTokenTtl(60); // inside the client's 5-minute eager refresh window
    const google = await connected();
    const before = await stored();
    fake.setAccessTokenTtl(3599);

    await google.drive();
    expect(fake.tokenGrants['refresh_token']).toBe(1);
    const after = await stored();
    expect(after.access).not.toBe(before.access);
    expect(after.access).toBe(fake.issuedTokens.at(-1));
    expect(after.refresh).toBe(before.refresh);
    expect(after.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(after.refreshedAt).not.toBeNull();
    // the API saw only the fresh token
    expect(fake.requests.find((r) => r.path === '/drive/v3/files')?.bearer).toBe(after.access);

    await google.drive();
    expect(fake.tokenGrants['refresh_token']).toBe(1);
  });

  it('two replicas refreshing at once: one refresh at Google, both reads succeed, the stored token is the new one', async () => {
    fake.setAccessTokenTtl(60);
    const first = await connected();
    const second = service();
    fake.setAccessTokenTtl(3599);
    const refreshToken = (await stored()).refresh;

    const results = await Promise.all([first.calendar(7), second.calendar(7), first.drive(), second.drive(), second.gmail()]);
    expect(results).toHaveLength(5);
    expect(fake.tokenGrants['refresh_token']).toBe(1);
    const after = await stored();
    expect(after.refresh).toBe(refreshToken);
    expect(after.access).toBe(fake.issuedTokens.at(-1));
    const bearers = new Set(fake.requests.filter((r) => r.path !== '/token').map((r) => r.bearer));
    expect(bearers).toEqual(new Set([after.access]));
  });

  it('never lets an older token replace a newer one, nor write into a newer connection', async () => {
    await connected();
    const repository = new GoogleAccountRepository(database.pool);
    const account = await repository.get();
    if (account === null) throw new Error('not connected');
    const later = new Date(Date.now() + HOUR);
    const earlier = new Date(Date.now() + HOUR / 2);
    expect(await repository.saveRefreshed({ generation: account.generation, accessTokenSecret: tokens.seal('access_token', 'ya29.newer'), accessExpiresAt: later })).toBe(true);
    expect(await repository.saveRefreshed({ generation: account.generation, accessTokenSecret: tokens.seal('access_token', 'ya29.older'), accessExpiresAt: earlier })).toBe(false);
    expect(
      await repository.saveRefreshed({ generation: '00000000-0000-4000-8000-000000000000', accessTokenSecret: tokens.seal('access_token', 'ya29.other'), accessExpiresAt: new Date(Date.now() + 2 * HOUR) }),
    ).toBe(false);
    expect((await stored()).access).toBe('ya29.newer');
  });

  it('a rejected access token (401) gets one refresh and one retry', async () => {
    const google = await connected();
    fake.expireAccessTokens();
    expect((await google.drive()).files).toHaveLength(10);
    expect(fake.tokenGrants['refresh_token']).toBe(1);
    expect(fake.requests.filter((r) => r.path === '/drive/v3/files').map((r) => r.bearer === (fake.issuedTokens.at(-1) ?? ''))).toEqual([false, true]);
  });

  it('revoked at Google: marks the account, answers 409 GOOGLE_RECONNECT_REQUIRED without calling Google again, and a reconnect heals it', async () => {
    const { logger, lines } = recordingLogger();
    const google = await connected({ logger });
    fake.revokeAll();

    await expect(google.gmail()).rejects.toMatchObject({ code: 'GOOGLE_RECONNECT_REQUIRED' });
    const status = await google.status();
    expect(status).toMatchObject({ connected: true, needsReconnect: true });
    expect(status.error).toMatch(/refused the refresh token.*Token has been expired or revoked/);
    const { rows } = await database.pool.query<{ access_token_secret: string | null }>('SELECT access_token_secret FROM google_account');
    expect(rows[0]?.access_token_secret).toBeNull();

    const calls = fake.requests.length;
    await expect(google.drive()).rejects.toMatchObject({ code: 'GOOGLE_RECONNECT_REQUIRED' });
    await expect(service().calendar(7)).rejects.toMatchObject({ code: 'GOOGLE_RECONNECT_REQUIRED' });
    expect(fake.requests.length).toBe(calls);

    await connect(google, adminId);
    expect(await google.status()).toMatchObject({ connected: true, needsReconnect: false, error: null });
    expect((await google.gmail()).unread).toBe(8);
    for (const token of fake.issuedTokens) expect(lines.join('\n')).not.toContain(token);
  });

  it('a refresh token Google refuses while refreshing before expiry also ends in GOOGLE_RECONNECT_REQUIRED', async () => {
    fake.setAccessTokenTtl(60);
    const google = await connected();
    fake.revokeAll();
    await expect(google.calendar(7)).rejects.toMatchObject({ code: 'GOOGLE_RECONNECT_REQUIRED' });
    expect((await google.status()).needsReconnect).toBe(true);
  });

  it('a token that no longer decrypts (keys changed) asks for a reconnect', async () => {
    await connected();
    const otherKeys = service({ cipher: testCipher() });
    await expect(otherKeys.drive()).rejects.toMatchObject({ code: 'GOOGLE_RECONNECT_REQUIRED', message: expect.stringMatching(/DATA_ENCRYPTION_KEYS/) });
  });

  it('without DATA_ENCRYPTION_KEYS reads answer 503 ENCRYPTION_KEYS_MISSING', async () => {
    await connected();
    await expect(service({ cipher: undefined }).drive()).rejects.toMatchObject({ code: 'ENCRYPTION_KEYS_MISSING', details: { variable: 'DATA_ENCRYPTION_KEYS' } });
  });

  it('disconnect revokes the grant at Google and deletes the account', async () => {
    const google = await connected();
    await google.disconnect();
    expect(fake.revocations).toBe(1);
    expect(fake.liveGrants()).toBe(0);
    expect((await database.pool.query('SELECT 1 FROM google_account')).rowCount).toBe(0);
    expect(await google.status()).toMatchObject({ connected: false, needsReconnect: false, email: null, scopes: [] });
    await expect(google.drive()).rejects.toMatchObject({ code: 'GOOGLE_NOT_CONNECTED' });
  });

  it('disconnect still deletes when Google cannot be reached or the grant is already revoked', async () => {
    const google = await connected();
    fake.revokeAll();
    await google.disconnect();
    expect((await database.pool.query('SELECT 1 FROM google_account')).rowCount).toBe(0);

    await connect(google, adminId);
    await fake.close();
    await google.disconnect();
    expect((await database.pool.query('SELECT 1 FROM google_account')).rowCount).toBe(0);
    fake = await startGoogleFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
});

describe('Google failing', () => {
  it('answers 503 GOOGLE_UNAVAILABLE with what Google said when it fails', async () => {
    const google = await connected();
    fake.setApiFailure(503);
    await expect(google.drive()).rejects.toMatchObject({ code: 'GOOGLE_UNAVAILABLE', message: 'Google answered 503: The service is currently unavailable.' });
    // one retry of a 5xx, not the libraries' three
    expect(apiRequests('/drive/v3/files')).toBe(2);
    fake.setApiFailure(null);
    expect((await google.drive()).files).toHaveLength(10);
  });

  it('answers 504 GOOGLE_TIMEOUT when Google is too slow', async () => {
    const google = await connected({ settings: { timeoutMs: 300 } });
    fake.setLatency(1_000);
    const started = Date.now();
    await expect(google.gmail()).rejects.toMatchObject({ code: 'GOOGLE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('answers 503 GOOGLE_UNAVAILABLE when Google cannot be reached', async () => {
    const google = await connected();
    await fake.close();
    await expect(google.calendar(7)).rejects.toMatchObject({ code: 'GOOGLE_UNAVAILABLE', message: expect.stringMatching(/^Google cannot be reached \(E[A-Z]+\)$/) });
    fake = await startGoogleFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
});

describe("Jarvis's Google tools", () => {
  function context(signal = new AbortController().signal): ToolContext {
    return {
      conversationId: 'c1',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      user: { id: adminId, username: 'admin', role: 'viewer' },
      dryRun: false,
      signal,
      progress: () => undefined,
    };
  }

  it('registers three read-only tools a viewer may use', async () => {
    const registry = new JarvisToolRegistry();
    for (const tool of createGoogleTools(service())) registry.register(tool);
    expect(registry.available('viewer').map((t) => [t.name, t.readOnly])).toEqual([
      ['calendar_upcoming', true],
      ['gmail_unread', true],
      ['drive_recent', true],
    ]);
  });

  it('calendar_upcoming reads the calendar for the days asked (default 7) and refuses bad days', async () => {
    const tool = createGoogleTools(await connected()).find((t) => t.name === 'calendar_upcoming');
    if (tool === undefined) throw new Error('no calendar_upcoming');
    const args = tool.parameters.parse({});
    expect(args).toEqual({ days: 7 });
    const result = await tool.run(args, context());
    expect(result).toMatchObject({ ok: true, summary: '4 events in the next 7 days' });
    expect(result.ok && (result.content as { events: unknown[] }).events).toHaveLength(4);
    expect(tool.parameters.safeParse({ days: 0 }).success).toBe(false);
    expect(tool.parameters.safeParse({ days: 32 }).success).toBe(false);
  });

  it('gmail_unread and drive_recent answer; a missing connection is a refusal the model can relay', async () => {
    const tools = createGoogleTools(service());
    const gmail = tools.find((t) => t.name === 'gmail_unread');
    expect(await gmail?.run({}, context())).toEqual({ ok: false, error: { code: 'GOOGLE_NOT_CONNECTED', message: expect.any(String) } });

    await connect(service(), adminId);
    expect(await gmail?.run({}, context())).toMatchObject({ ok: true, summary: '8 unread' });
    expect(await tools.find((t) => t.name === 'drive_recent')?.run({}, context())).toMatchObject({ ok: true, summary: '10 recent files' });
  });

  it('stops waiting when the conversation is stopped', async () => {
    const tool = createGoogleTools(await connected()).find((t) => t.name === 'drive_recent');
    fake.setLatency(500);
    const stop = new AbortController();
    const started = Date.now();
    const running = tool?.run({}, context(stop.signal));
    await expect.poll(() => apiRequests('/drive/v3/files')).toBe(1);
    stop.abort();
    expect(await running).toEqual({ ok: false, error: { code: 'ABORTED', message: 'Stopped' } });
    expect(Date.now() - started).toBeLessThan(450);
  });
});
