import type { CalendarEvent } from '../api/types.js';

/** What each scope the dashboard asks for lets it do, in words. */
export const SCOPE_MEANING: Record<string, string> = {
  'calendar.readonly': 'read your calendars',
  'gmail.metadata': 'read mail headers (sender, subject, date), never bodies',
  'drive.metadata.readonly': 'list Drive files (names and dates), never contents',
  openid: 'know it is you',
  email: 'read your address',
  'userinfo.email': 'read your address',
};

/** `https://www.googleapis.com/auth/calendar.readonly` → `calendar.readonly`. */
export function scopeName(scope: string): string {
  return scope.replace(/^https:\/\/www\.googleapis\.com\/auth\//, '');
}

/** The callback's `?error=` code in words. */
export function connectErrorText(code: string): string {
  const key = code.toLowerCase().replace(/[^a-z]+/g, '_');
  if (key.includes('access_denied') || key.includes('declined') || key.includes('consent')) return 'You declined on Google’s consent page: nothing was connected.';
  if (key.includes('state') || key.includes('pkce') || key.includes('verifier')) {
    return 'The connection could not be finished: it was started in another browser, or it took too long. Start it again from this page.';
  }
  if (key.includes('scope')) return 'Google did not grant every permission the dashboard asks for. Connect again and leave all boxes ticked.';
  if (key.includes('not_configured')) return 'Google is not set up on this dashboard (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET).';
  if (key.includes('token') || key.includes('exchange')) return 'Google did not hand over the access tokens. Try connecting again.';
  if (key.includes('unavailable') || key.includes('network')) return 'Google could not be reached while connecting. Try again in a moment.';
  return 'Connecting the Google account failed.';
}

/** A date-only `2027-01-05` as that day where the reader is (Date.parse would take it as UTC midnight). */
function localDay(value: string): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(value);
}

/** "Tue, Jan 5 · all day", or "Tue, Jan 5, 09:30 – 10:00" (the end's date only when it is another day). */
export function eventWhen(event: Pick<CalendarEvent, 'start' | 'end' | 'allDay'>): string {
  const dateOptions: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric' };
  const timeOptions: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
  const start = localDay(event.start);
  if (Number.isNaN(start.getTime())) return event.start;
  if (event.allDay) return `${start.toLocaleDateString(undefined, dateOptions)} · all day`;
  const end = new Date(event.end);
  const startText = `${start.toLocaleDateString(undefined, dateOptions)}, ${start.toLocaleTimeString(undefined, timeOptions)}`;
  if (Number.isNaN(end.getTime())) return startText;
  const sameDay = end.toDateString() === start.toDateString();
  return `${startText} – ${sameDay ? '' : `${end.toLocaleDateString(undefined, dateOptions)}, `}${end.toLocaleTimeString(undefined, timeOptions)}`;
}
