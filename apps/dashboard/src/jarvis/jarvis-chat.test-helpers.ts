import type { JarvisTurnEvent } from '@homelab/dashboard-api';
import { HARNESS_ADMIN, HARNESS_VIEWER, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';

/** A logged-in browser, as far as the chat needs one: its cookie and CSRF token. */
export interface ChatSession {
  url: string;
  cookie: string;
  csrfToken: string;
}

/** Logs in as the harness account of `role` (after `dash.as(role)` made sure it exists). */
export async function chatSession(dash: DashboardHarness, role: 'admin' | 'viewer'): Promise<ChatSession> {
  await dash.as(role);
  const credentials = role === 'admin' ? HARNESS_ADMIN : HARNESS_VIEWER;
  const response = await fetch(`${dash.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: dash.url },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200) throw new Error(`login as ${role}: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('homelab_session='))?.split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { url: dash.url, cookie, csrfToken };
}

/** The frames of a `text/event-stream` body so far; the rest stays in `buffer`. */
function parseFrames(buffer: string): { events: JarvisTurnEvent[]; rest: string } {
  const events: JarvisTurnEvent[] = [];
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const name = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (name && data !== undefined) events.push({ event: name, data: JSON.parse(data) } as JarvisTurnEvent);
  }
  return { events, rest };
}

export interface TurnStream {
  status: number;
  /** The error answer when the stream did not open (404, 409 …). */
  error?: { code: string; message: string };
  events: JarvisTurnEvent[];
}

/**
 * `POST /api/jarvis/conversations/:id/messages` as the web UI does it: reads
 * the event stream as it comes, calling `onEvent` for each frame; `signal`
 * lets the "browser" leave mid-turn.
 */
export async function sendChatMessage(
  session: ChatSession,
  conversationId: string,
  content: string,
  options: { signal?: AbortSignal; onEvent?: (event: JarvisTurnEvent) => void } = {},
): Promise<TurnStream> {
  const response = await fetch(`${session.url}/api/jarvis/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: session.url, cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ content }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    const body = (await response.json()) as { error: { code: string; message: string } };
    return { status: response.status, error: body.error, events: [] };
  }
  const events: JarvisTurnEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const parsed = parseFrames(buffer + decoder.decode(chunk, { stream: true }));
      buffer = parsed.rest;
      for (const event of parsed.events) {
        events.push(event);
        options.onEvent?.(event);
      }
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  }
  return { status: response.status, events };
}

/** Event names in order, runs of `delta` folded into one. */
export const eventNames = (events: JarvisTurnEvent[]): string[] =>
  events.map((e) => e.event).filter((name, i, all) => name !== 'delta' || all[i - 1] !== 'delta');

export const toolResultsOf = (events: JarvisTurnEvent[]) => events.flatMap((e) => (e.event === 'tool_result' ? [e.data] : []));
