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

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A read-only tool over one Google read: what it found, or a refusal the model can relay. */
function readTool<A extends z.ZodType>(
  name: string,
  description: string,
  parameters: A,
  read: (args: z.output<A>, signal: AbortSignal) => Promise<{ content: unknown; summary: string }>,
): JarvisTool<A> {
  return {
    name,
    description,
    parameters,
    readOnly: true,
    async run(args, context) {
      try {
        return { ok: true, ...(await read(args, context.signal)) };
      } catch (error) {
        return refusal(error);
      }
    },
  };
}

/**
 * Jarvis's Google tools. All only read (and only metadata: calendar events, mail headers, file
 * names), so viewers get them too.
 */
export function createGoogleTools(google: GoogleReads): JarvisTool[] {
  return [
    readTool(
      'calendar_upcoming',
      "Lists the upcoming events of the connected Google account's primary calendar, ordered by start (times in UTC; all-day events have only a date).",
      calendarParameters,
      async (args, signal) => {
        const { events } = await google.calendar(args.days, { signal });
        return { content: { days: args.days, events }, summary: `${plural(events.length, 'event')} in the next ${plural(args.days, 'day')}` };
      },
    ),
    readTool(
      'gmail_unread',
      'Counts the unread messages in the Gmail inbox and gives sender, subject and date of the newest unread ones (never their content).',
      noParameters,
      async (_args, signal) => {
        const summary = await google.gmail({ signal });
        return { content: summary, summary: `${summary.unread} unread` };
      },
    ),
    readTool(
      'drive_recent',
      'Lists the most recently modified Google Drive files (name, type, when modified, link; never their content).',
      noParameters,
      async (_args, signal) => {
        const { files } = await google.drive({ signal });
        return { content: { files }, summary: plural(files.length, 'recent file') };
      },
    ),
  ];
}
