import type { AuthStatus } from './types';

/** An answer other than 2xx, or no answer at all (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
    /** From `details.retryAfterSeconds` or the `Retry-After` header (429). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** The token every change must carry; set from `/api/auth/status` and the login answer. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401: the session is gone. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function notifyUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Login and setup answer 401 for wrong input, which does not end a session. */
  expectUnauthorized?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function send(method: string, path: string, body: unknown, options: RequestOptions, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'The dashboard could not be reached. Check that it is running and your network is up.');
  }
}

function retryAfter(response: Response, details: Record<string, unknown> | null): number | null {
  const fromDetails = details?.['retryAfterSeconds'];
  if (typeof fromDetails === 'number' && Number.isFinite(fromDetails)) return Math.ceil(fromDetails);
  const header = Number(response.headers.get('retry-after'));
  return Number.isFinite(header) && header > 0 ? Math.ceil(header) : null;
}

async function toError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed.error;
    if (error && typeof error.message === 'string') {
      const details = typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : null;
      const code = typeof error.code === 'string' ? error.code : `HTTP_${response.status}`;
      return new ApiError(response.status, code, error.message, details, retryAfter(response, details));
    }
  } catch {
    // not JSON: a proxy in front of the dashboard answered
  }
  const reason = response.statusText ? ` ${response.statusText}` : '';
  return new ApiError(response.status, `HTTP_${response.status}`, `The dashboard answered ${response.status}${reason}.`, null, retryAfter(response, null));
}

let csrfRefresh: Promise<boolean> | undefined;

/** A 403 CSRF_INVALID usually means the token rotated (login elsewhere): fetch the current one once. */
function refreshCsrfToken(): Promise<boolean> {
  csrfRefresh ??= fetch('/api/auth/status', { credentials: 'same-origin' })
    .then(async (response) => {
      if (!response.ok) return false;
      const status = (await response.json()) as AuthStatus;
      setCsrfToken(status.csrfToken);
      return status.csrfToken !== null;
    })
    .catch(() => false)
    .finally(() => {
      csrfRefresh = undefined;
    });
  return csrfRefresh;
}

/** Sends once more after a rotated CSRF token was fetched; a 401 ends the session; anything but 2xx rejects. */
async function sendChecked(method: string, path: string, body: unknown, options: RequestOptions, accept?: string): Promise<Response> {
  let response = await send(method, path, body, options, accept);
  if (response.status === 403 && !SAFE_METHODS.has(method)) {
    const error = await toError(response.clone());
    if (error.code === 'CSRF_INVALID' && (await refreshCsrfToken())) response = await send(method, path, body, options, accept);
  }
  if (response.status === 401 && !options.expectUnauthorized) notifyUnauthorized();
  if (!response.ok) throw await toError(response);
  return response;
}

/** Calls the dashboard API; resolves with the JSON answer (undefined for 204) or rejects with an {@link ApiError}. */
export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const response = await sendChecked(method, path, body, options);
  if (response.status === 204 || response.status === 205) return undefined as T;
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'BAD_RESPONSE', 'The dashboard sent an answer that is not JSON.');
  }
}

/**
 * POSTs `body` and resolves with the open answer of a `text/event-stream`
 * route (EventSource cannot POST), or rejects with an {@link ApiError} as
 * {@link request} does (a refusal such as 409 answers JSON before any stream).
 */
export async function openEventStream(path: string, body: unknown, options: RequestOptions = {}): Promise<Response> {
  const response = await sendChecked('POST', path, body, options, 'text/event-stream');
  if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    throw new ApiError(response.status, 'BAD_RESPONSE', 'The dashboard answered without a stream.');
  }
  return response;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body ?? {}, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  // changes always carry a JSON body, even an empty one: the server's CSRF defence expects JSON
  delete: <T = void>(path: string, body?: unknown, options?: RequestOptions) => request<T>('DELETE', path, body ?? {}, options),
};

/** `/api/containers/local/abc` from parts, each encoded. */
export function apiPath(...parts: (string | number)[]): string {
  return `/api/${parts.map((part) => encodeURIComponent(String(part))).join('/')}`;
}
