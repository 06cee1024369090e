import type { ServerResponse } from 'node:http';
import { sendJson } from './http-helpers.js';

/** An event of the fake's primary calendar, in Calendar v3's shape (`start.dateTime` or, all day, `start.date`). */
export interface GoogleFakeEvent {
  id: string;
  summary?: string;
  location?: string;
  status?: 'confirmed' | 'tentative' | 'cancelled';
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
}

/** A message of the fake mailbox. `date` becomes Gmail's `internalDate` and the Date header. */
export interface GoogleFakeMessage {
  id: string;
  threadId?: string;
  from: string;
  subject?: string;
  date: string;
  /** Gmail label ids, e.g. `['INBOX', 'UNREAD']`. */
  labelIds: string[];
  snippet?: string;
}

/** A file of the fake Drive. */
export interface GoogleFakeFile {
  id: string;
  name: string;
  mimeType: string;
  modifiedTime: string;
  webViewLink?: string;
  trashed?: boolean;
}

const AUTH = 'https://www.googleapis.com/auth/';
const CALENDAR_SCOPES = ['calendar', 'calendar.readonly', 'calendar.events', 'calendar.events.readonly'].map((s) => AUTH + s);
const GMAIL_SCOPES = ['gmail.metadata', 'gmail.readonly', 'gmail.modify'].map((s) => AUTH + s).concat('https://mail.google.com/');
const GMAIL_CONTENT_SCOPES = GMAIL_SCOPES.filter((s) => !s.endsWith('gmail.metadata'));
const DRIVE_SCOPES = ['drive', 'drive.readonly', 'drive.metadata', 'drive.metadata.readonly', 'drive.file'].map((s) => AUTH + s);

/** Errors of the JSON APIs, in Google's envelope. */
export function apiError(res: ServerResponse, status: number, reason: string, message: string, extraHeaders: Record<string, string> = {}): void {
  const statusName: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    429: 'RESOURCE_EXHAUSTED',
    500: 'INTERNAL',
    503: 'UNAVAILABLE',
  };
  sendJson(
    res,
    status,
    { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: statusName[status] ?? 'UNKNOWN' } },
    extraHeaders,
  );
}

export function unauthenticated(res: ServerResponse): void {
  apiError(
    res,
    401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

function insufficientScope(res: ServerResponse): void {
  apiError(res, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
    'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"',
  });
}

/** A Calendar event's start or end as epoch ms; all-day dates are midnight UTC (the fake calendar's time zone). */
function instant(point: { dateTime?: string; date?: string }): number {
  return Date.parse(point.dateTime ?? `${point.date ?? ''}T00:00:00Z`);
}

/** Offset-based pagination: the page token is the index of the next item. */
function page<T>(items: T[], query: URLSearchParams, sizeParam: string, defaultSize: number, maxSize: number): { items: T[]; next: string | undefined } {
  const size = Math.min(Math.max(Number(query.get(sizeParam) ?? defaultSize) || defaultSize, 1), maxSize);
  const start = Number(query.get('pageToken') ?? 0) || 0;
  const slice = items.slice(start, start + size);
  return { items: slice, next: start + size < items.length ? String(start + size) : undefined };
}

/** Applies a Drive `fields` selector of the form `nextPageToken, files(id, name)` to one file. */
function selectFileFields(file: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  const match = fields === null ? null : /files\(([^)]*)\)/.exec(fields);
  if (match === null || match[1] === undefined) return file;
  const wanted = match[1].split(',').map((f) => f.trim()).filter(Boolean);
  return Object.fromEntries(wanted.filter((name) => file[name] !== undefined).map((name) => [name, file[name]]));
}

/** What the fake account holds, served by the APIs. */
export interface GoogleFakeData {
  email: string;
  events: GoogleFakeEvent[];
  messages: GoogleFakeMessage[];
  files: GoogleFakeFile[];
}

/**
 * Calendar v3, Gmail v1 and Drive v3 over the fake account's data, for a request already
 * authenticated: `granted` are the token's scopes (403 without the API's, and the `gmail.metadata`
 * scope's limits: no `q`, no full format).
 */
export function googleApiRoutes({ email, events, messages, files }: GoogleFakeData): (url: URL, granted: readonly string[], res: ServerResponse) => void {
  const hasAny = (granted: readonly string[], scopes: readonly string[]): boolean => granted.some((scope) => scopes.includes(scope));

  const calendarEvents = (url: URL, granted: readonly string[], res: ServerResponse): void => {
    if (!hasAny(granted, CALENDAR_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    const single = q.get('singleEvents') === 'true';
    if (q.get('orderBy') === 'startTime' && !single) {
      return apiError(res, 400, 'invalid', 'The requested ordering is not available for the particular query.');
    }
    const timeMin = q.has('timeMin') ? Date.parse(q.get('timeMin') ?? '') : -Infinity;
    const timeMax = q.has('timeMax') ? Date.parse(q.get('timeMax') ?? '') : Infinity;
    if (Number.isNaN(timeMin) || Number.isNaN(timeMax)) return apiError(res, 400, 'badRequest', 'Bad Request');
    const matching = events
      .filter((event) => (event.status ?? 'confirmed') !== 'cancelled' || q.get('showDeleted') === 'true')
      .filter((event) => instant(event.end) > timeMin && instant(event.start) < timeMax)
      .sort((a, b) => (q.get('orderBy') === 'startTime' ? instant(a.start) - instant(b.start) : 0));
    const { items, next } = page(matching, q, 'maxResults', 250, 2500);
    const now = new Date().toISOString();
    sendJson(res, 200, {
      kind: 'calendar#events',
      etag: `"${Date.now()}"`,
      summary: email,
      updated: now,
      timeZone: 'UTC',
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 10 }],
      ...(next !== undefined ? { nextPageToken: next } : {}),
      items: items.map((event) => ({
        kind: 'calendar#event',
        etag: `"${event.id}"`,
        id: event.id,
        status: event.status ?? 'confirmed',
        htmlLink: `https://www.google.com/calendar/event?eid=${event.id}`,
        created: now,
        updated: now,
        ...(event.summary !== undefined ? { summary: event.summary } : {}),
        ...(event.location !== undefined ? { location: event.location } : {}),
        creator: { email, self: true },
        organizer: { email, self: true },
        start: event.start,
        end: event.end,
        iCalUID: `${event.id}@google.com`,
        sequence: 0,
        reminders: { useDefault: true },
        eventType: 'default',
      })),
    });
  };

  const inboxLabel = (granted: readonly string[], res: ServerResponse): void => {
    if (!hasAny(granted, GMAIL_SCOPES)) return insufficientScope(res);
    const inbox = messages.filter((m) => m.labelIds.includes('INBOX'));
    const unread = inbox.filter((m) => m.labelIds.includes('UNREAD'));
    const threads = (list: GoogleFakeMessage[]): number => new Set(list.map((m) => m.threadId ?? m.id)).size;
    sendJson(res, 200, {
      id: 'INBOX',
      name: 'INBOX',
      messageListVisibility: 'hide',
      labelListVisibility: 'labelShow',
      type: 'system',
      messagesTotal: inbox.length,
      messagesUnread: unread.length,
      threadsTotal: threads(inbox),
      threadsUnread: threads(unread),
    });
  };

  const listMessages = (url: URL, granted: readonly string[], res: ServerResponse): void => {
    if (!hasAny(granted, GMAIL_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    if (q.has('q') && !hasAny(granted, GMAIL_CONTENT_SCOPES)) return apiError(res, 403, 'forbidden', "Metadata scope does not support 'q' parameter");
    const labels = q.getAll('labelIds');
    const matching = messages.filter((m) => labels.every((label) => m.labelIds.includes(label))).sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    const { items, next } = page(matching, q, 'maxResults', 100, 500);
    sendJson(res, 200, {
      ...(items.length > 0 ? { messages: items.map((m) => ({ id: m.id, threadId: m.threadId ?? m.id })) } : {}),
      ...(next !== undefined ? { nextPageToken: next } : {}),
      resultSizeEstimate: matching.length,
    });
  };

  const getMessage = (url: URL, id: string, granted: readonly string[], res: ServerResponse): void => {
    if (!hasAny(granted, GMAIL_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    const format = q.get('format') ?? 'full';
    if (format !== 'metadata' && format !== 'minimal' && !hasAny(granted, GMAIL_CONTENT_SCOPES)) {
      return apiError(res, 403, 'forbidden', `Metadata scope doesn't allow format ${format.toUpperCase()}`);
    }
    const message = messages.find((m) => m.id === id);
    if (message === undefined) return apiError(res, 404, 'notFound', 'Requested entity was not found.');
    const all = [
      { name: 'Date', value: new Date(message.date).toUTCString().replace('GMT', '+0000') },
      { name: 'From', value: message.from },
      { name: 'To', value: email },
      { name: 'Message-ID', value: `<${message.id}@mail.example.test>` },
      ...(message.subject !== undefined ? [{ name: 'Subject', value: message.subject }] : []),
    ];
    const wanted = q.getAll('metadataHeaders').map((h) => h.toLowerCase());
    const headers = format === 'metadata' && wanted.length > 0 ? all.filter((h) => wanted.includes(h.name.toLowerCase())) : all;
    sendJson(res, 200, {
      id: message.id,
      threadId: message.threadId ?? message.id,
      labelIds: message.labelIds,
      snippet: message.snippet ?? '',
      sizeEstimate: 4096,
      historyId: '123456',
      internalDate: String(Date.parse(message.date)),
      ...(format === 'minimal' ? {} : { payload: { partId: '', mimeType: 'multipart/alternative', filename: '', headers } }),
    });
  };

  const listFiles = (url: URL, granted: readonly string[], res: ServerResponse): void => {
    if (!hasAny(granted, DRIVE_SCOPES)) return insufficientScope(res);
    const q = url.searchParams;
    const filter = (q.get('q') ?? '').replace(/\s+/g, '');
    if (filter !== '' && filter !== 'trashed=false') return apiError(res, 400, 'invalid', 'Invalid Value', {});
    const order = q.get('orderBy') ?? '';
    const matching = files
      .filter((file) => filter === '' || file.trashed !== true)
      .sort((a, b) => (order === 'modifiedTime desc' ? Date.parse(b.modifiedTime) - Date.parse(a.modifiedTime) : order === 'modifiedTime' ? Date.parse(a.modifiedTime) - Date.parse(b.modifiedTime) : 0));
    const { items, next } = page(matching, q, 'pageSize', 100, 1000);
    const fields = q.get('fields');
    sendJson(res, 200, {
      ...(fields === null ? { kind: 'drive#fileList', incompleteSearch: false } : {}),
      ...(next !== undefined && (fields === null || fields.includes('nextPageToken')) ? { nextPageToken: next } : {}),
      files: items.map((file) =>
        selectFileFields(
          {
            kind: 'drive#file',
            id: file.id,
            name: file.name,
            mimeType: file.mimeType,
            modifiedTime: file.modifiedTime,
            trashed: file.trashed ?? false,
            ...(file.webViewLink !== undefined ? { webViewLink: file.webViewLink } : {}),
          },
          fields,
        ),
      ),
    });
  };

  return (url, granted, res) => {
    const path = url.pathname;
    if (path === '/calendar/v3/calendars/primary/events') return calendarEvents(url, granted, res);
    if (path === '/gmail/v1/users/me/labels/INBOX') return inboxLabel(granted, res);
    if (path === '/gmail/v1/users/me/messages') return listMessages(url, granted, res);
    const message = /^\/gmail\/v1\/users\/me\/messages\/([^/]+)$/.exec(path);
    if (message?.[1] !== undefined) return getMessage(url, decodeURIComponent(message[1]), granted, res);
    if (path === '/drive/v3/files') return listFiles(url, granted, res);
    apiError(res, 404, 'notFound', 'Not Found');
  };
}
