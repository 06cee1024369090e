// docs/dashboard-api.md, "Google (Calendar, Gmail, Drive)".

/** `GET /api/google`: whether the one Google account of this installation is connected and usable. */
export interface GoogleStatus {
  /** GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are set. */
  configured: boolean;
  /** An account is connected (possibly needing a reconnect). */
  connected: boolean;
  /** Google refused the stored refresh token (revoked, expired): an admin must connect again. */
  needsReconnect: boolean;
  /** The connected account's address, when Google told it. */
  email: string | null;
  /** The scopes Google granted (empty when not connected). */
  scopes: string[];
  /** What stands in the way (no DATA_ENCRYPTION_KEYS, refresh refused …), in a sentence; null when all is well. */
  error: string | null;
}

/** One event of the primary calendar. */
export interface CalendarEvent {
  id: string;
  /** `(no title)` when the event has none. */
  summary: string;
  /** ISO 8601 in UTC; for all-day events the date alone (`2026-12-24`). */
  start: string;
  /** Exclusive end: ISO 8601 in UTC, or for all-day events the day after the last one. */
  end: string;
  allDay: boolean;
  location: string | null;
}

/** One unread message of the inbox (metadata only: no body is ever read). */
export interface MailSummary {
  id: string;
  /** The From header, e.g. `Ann <ann@example.com>`. */
  from: string;
  /** `(no subject)` when the message has none. */
  subject: string;
  /** When Gmail received it, ISO 8601 in UTC. */
  date: string;
}

/** One recently modified Drive file. */
export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  /** ISO 8601 in UTC. */
  modifiedTime: string;
  webViewLink: string | null;
}

/** `GET /api/google/calendar?days=7`: single events ordered by start. */
export interface CalendarEventList {
  events: CalendarEvent[];
}

/** `GET /api/google/gmail`. */
export interface GmailSummary {
  /** Unread messages in the inbox. */
  unread: number;
  /** The newest unread messages of the inbox, at most 5, newest first. */
  latest: MailSummary[];
}

/** `GET /api/google/drive`: the most recently modified files, newest first. */
export interface DriveFileList {
  files: DriveFile[];
}
