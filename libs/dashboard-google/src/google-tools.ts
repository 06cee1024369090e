import { z } from 'zod';
import { DomainError } from '@homelab/contracts';
import type { JarvisTool, ToolResult } from '@homelab/jarvis';
import { DEFAULT_CALENDAR_DAYS, MAX_CALENDAR_DAYS, type GoogleReads } from './google.service.js';

/** A refusal the model can relay (not connected, reconnect needed, Google down …); anything else is a bug and rethrown. */
function refusal(error: unknown): ToolResult {
  if (error instanceof DomainError) return { ok: false, error: { code: error.code, message: error.message } };
  if (error instanceof Error && error.name === 'AbortError') return { ok: false, error: { code: 'ABORTED', message: 'Stopped' } };
  throw error;
}

const calendarParameters = z.object({
  days: z
    .number()
    .int()
    .min(1)
    .max(MAX_CALENDAR_DAYS)
    .default(DEFAULT_CALENDAR_DAYS)
    .describe(`How many days ahead, from now (1-${MAX_CALENDAR_DAYS}, default ${DEFAULT_CALENDAR_DAYS})`),
});

const noParameters = z.object({});

/**
 * Jarvis's Google tools. All only read (and only metadata: calendar events, mail headers, file
 * names), so viewers get them too.
 */
export function createGoogleTools(google: GoogleReads): JarvisTool[] {
  const calendarUpcoming: JarvisTool<typeof calendarParameters> = {
    name: 'calendar_upcoming',
    description:
      "Lists the upcoming events of the connected Google account's primary calendar, ordered by start (times in UTC; all-day events have only a date).",
    parameters: calendarParameters,
    readOnly: true,
    async run(args, context) {
      try {
        const { events } = await google.calendar(args.days, { signal: context.signal });
        return { ok: true, content: { days: args.days, events }, summary: `${events.length} event${events.length === 1 ? '' : 's'} in the next ${args.days} day${args.days === 1 ? '' : 's'}` };
      } catch (error) {
        return refusal(error);
      }
    },
  };

  const gmailUnread: JarvisTool<typeof noParameters> = {
    name: 'gmail_unread',
    description: "Counts the unread messages in the Gmail inbox and gives sender, subject and date of the newest unread ones (never their content).",
    parameters: noParameters,
    readOnly: true,
    async run(_args, context) {
      try {
        const summary = await google.gmail({ signal: context.signal });
        return { ok: true, content: summary, summary: `${summary.unread} unread` };
      } catch (error) {
        return refusal(error);
      }
    },
  };

  const driveRecent: JarvisTool<typeof noParameters> = {
    name: 'drive_recent',
    description: 'Lists the most recently modified Google Drive files (name, type, when modified, link; never their content).',
    parameters: noParameters,
    readOnly: true,
    async run(_args, context) {
      try {
        const { files } = await google.drive({ signal: context.signal });
        return { ok: true, content: { files }, summary: `${files.length} recent file${files.length === 1 ? '' : 's'}` };
      } catch (error) {
        return refusal(error);
      }
    },
  };

  return [calendarUpcoming, gmailUnread, driveRecent];
}
