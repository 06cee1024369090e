import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { drive, type drive_v3 } from '@googleapis/drive';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { OAuth2Client } from 'google-auth-library';
import type { CalendarEvent, DriveFile, GmailSummary, MailSummary } from '@homelab/dashboard-api';
import { classifyGoogleError } from './google-failure.js';
import { DEFAULT_GOOGLE_TIMEOUT_MS, type GoogleSettings } from './google-settings.js';

/** Panel and Jarvis ask for a few weeks at most; more events than this are not useful in either. */
export const MAX_CALENDAR_EVENTS = 100;
export const LATEST_MAIL_COUNT = 5;
export const RECENT_FILE_COUNT = 10;
const DAY_MS = 86_400_000;
const METADATA_HEADERS = ['From', 'Subject', 'Date'];

/**
 * Options every API client gets: the configured root, the timeout, and at most one retry of a
 * 5xx (the libraries' default retries three times, which a waiting panel does not want;
 * timeouts are never retried).
 */
function clientOptions(settings: GoogleSettings, auth: OAuth2Client): { auth: OAuth2Client; rootUrl: string; timeout: number; retryConfig: { retry: number; noResponseRetries: number; statusCodesToRetry: number[][] } } {
  return {
    auth,
    rootUrl: settings.apiRootUrl,
    timeout: settings.timeoutMs ?? DEFAULT_GOOGLE_TIMEOUT_MS,
    retryConfig: { retry: 1, noResponseRetries: 0, statusCodesToRetry: [[500, 599]] },
  };
}

/** ISO 8601 in UTC, or undefined for a missing or unparsable time. */
function utc(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** One Calendar v3 event as the API doc shapes it; null for cancelled or malformed ones. */
export function toCalendarEvent(item: calendar_v3.Schema$Event): CalendarEvent | null {
  if (typeof item.id !== 'string' || item.status === 'cancelled') return null;
  const allDay = typeof item.start?.date === 'string' && typeof item.start.dateTime !== 'string';
  // all-day events have a date and no time: turning it into a UTC instant would move it a day in half the world
  const start = allDay ? (item.start?.date ?? undefined) : utc(item.start?.dateTime);
  if (start === undefined) return null;
  const end = allDay ? (item.end?.date ?? start) : (utc(item.end?.dateTime) ?? start);
  return {
    id: item.id,
    summary: item.summary?.trim() || '(no title)',
    start,
    end,
    allDay,
    location: item.location?.trim() || null,
  };
}

/** The primary calendar's single events (recurring ones expanded) from now for `days` days, ordered by start. */
export async function readCalendar(settings: GoogleSettings, auth: OAuth2Client, days: number, now: number): Promise<CalendarEvent[]> {
  const api = calendar({ version: 'v3', ...clientOptions(settings, auth) });
  const { data } = await api.events.list({
    calendarId: 'primary',
    timeMin: new Date(now).toISOString(),
    timeMax: new Date(now + days * DAY_MS).toISOString(),
    singleEvents: true,
    orderBy: 'startTime',
    maxResults: MAX_CALENDAR_EVENTS,
    fields: 'items(id,status,summary,location,start,end)',
  });
  return (data.items ?? []).map(toCalendarEvent).filter((event): event is CalendarEvent => event !== null);
}

function header(message: gmail_v1.Schema$Message, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return message.payload?.headers?.find((h) => h.name?.toLowerCase() === wanted)?.value ?? undefined;
}

/** One message's metadata as the API doc shapes it; the date is Gmail's receipt time, else the Date header. */
export function toMailSummary(message: gmail_v1.Schema$Message): MailSummary | null {
  if (typeof message.id !== 'string') return null;
  const received = Number(message.internalDate);
  const date = Number.isFinite(received) && received > 0 ? new Date(received).toISOString() : utc(header(message, 'Date'));
  return {
    id: message.id,
    from: header(message, 'From')?.trim() || '(unknown sender)',
    subject: header(message, 'Subject')?.trim() || '(no subject)',
    date: date ?? new Date(0).toISOString(),
  };
}

/**
 * The inbox's unread count (from the INBOX label) and its newest unread messages. With the
 * gmail.metadata scope only labels and headers are readable — no `q` search, no bodies — so
 * the list filters by label ids and each message is fetched as metadata with three headers.
 */
export async function readGmail(settings: GoogleSettings, auth: OAuth2Client): Promise<GmailSummary> {
  const api = gmail({ version: 'v1', ...clientOptions(settings, auth) });
  const [label, list] = await Promise.all([
    api.users.labels.get({ userId: 'me', id: 'INBOX' }),
    api.users.messages.list({ userId: 'me', labelIds: ['INBOX', 'UNREAD'], maxResults: LATEST_MAIL_COUNT }),
  ]);
  const ids = (list.data.messages ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  const messages = await Promise.all(
    ids.slice(0, LATEST_MAIL_COUNT).map(async (id) => {
      try {
        const { data } = await api.users.messages.get({ userId: 'me', id, format: 'metadata', metadataHeaders: METADATA_HEADERS });
        return toMailSummary(data);
      } catch (error) {
        // deleted between the list and the get: leave it out, keep the others
        const failure = classifyGoogleError(error);
        if (failure?.kind === 'http' && failure.status === 404) return null;
        throw error;
      }
    }),
  );
  const latest = messages.filter((m): m is MailSummary => m !== null).sort((a, b) => b.date.localeCompare(a.date));
  return { unread: label.data.messagesUnread ?? 0, latest };
}

/** One Drive file as the API doc shapes it. */
export function toDriveFile(file: drive_v3.Schema$File): DriveFile | null {
  if (typeof file.id !== 'string') return null;
  return {
    id: file.id,
    name: file.name ?? '(untitled)',
    mimeType: file.mimeType ?? 'application/octet-stream',
    modifiedTime: utc(file.modifiedTime) ?? new Date(0).toISOString(),
    webViewLink: file.webViewLink ?? null,
  };
}

/** The most recently modified files not in the trash (metadata only: drive.metadata.readonly). */
export async function readDrive(settings: GoogleSettings, auth: OAuth2Client): Promise<DriveFile[]> {
  const api = drive({ version: 'v3', ...clientOptions(settings, auth) });
  const { data } = await api.files.list({
    pageSize: RECENT_FILE_COUNT,
    orderBy: 'modifiedTime desc',
    q: 'trashed = false',
    fields: 'files(id,name,mimeType,modifiedTime,webViewLink)',
  });
  return (data.files ?? []).map(toDriveFile).filter((file): file is DriveFile => file !== null);
}
