import { describeNetworkError } from './ha-socket-factory.js';

/** What Home Assistant's REST API says about the address and token. */
export type RestProbe =
  | { kind: 'ok' }
  /** 401/403: Home Assistant refused the token. */
  | { kind: 'refused'; status: number }
  /** Something answered, but not as Home Assistant's `/api/` does (a proxy error page, another service). */
  | { kind: 'unexpected'; status: number }
  | { kind: 'unreachable'; reason: string };

/**
 * `GET /api/` with the token: Home Assistant answers 200 `{"message":"API
 * running."}`, or 401 to a bad token. Tells "down" from "token refused" from
 * "up, but the WebSocket is blocked" (typically a reverse proxy without
 * WebSocket upgrades) when the WebSocket alone cannot.
 */
export async function probeRestApi(baseUrl: string, token: string, timeoutMs: number, signal?: AbortSignal): Promise<RestProbe> {
  try {
    const response = await fetch(`${baseUrl}/api/`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const body = await response.text();
    if (response.status === 401 || response.status === 403) return { kind: 'refused', status: response.status };
    if (response.status === 200 && body.includes('API running')) return { kind: 'ok' };
    return { kind: 'unexpected', status: response.status };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'unreachable', reason: `no answer within ${timeoutMs} ms` };
    return { kind: 'unreachable', reason: describeNetworkError(error instanceof TypeError && error.cause !== undefined ? error.cause : error) };
  }
}
