import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** Where Jarvis looks for its model, as it may be shown to users (no credentials). */
export interface ModelLocation {
  /** The base URL without user:password. */
  baseUrl: string;
  model: string;
}

/**
 * No answer could be had from the model: nothing listens, it timed out, it
 * failed, it refused the key or does not know the model, or its answer broke
 * off. The message says where Jarvis looked and what happened, for the chat.
 */
export class ModelUnavailableError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(DomainErrorKind.Unavailable, 'MODEL_UNAVAILABLE', message, details);
  }
}

/** The model server answered but refused the request itself (HTTP 400/422, e.g. the model cannot call tools). */
export class ModelRequestRejectedError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(DomainErrorKind.Unavailable, 'MODEL_ERROR', message, details);
  }
}

/** The turn was stopped (by the user or a shutdown) while the model was answering. */
export class ModelAbortedError extends Error {
  constructor() {
    super('The model request was stopped');
    this.name = 'ModelAbortedError';
  }
}

/** `120 s`, `0.3 s`. */
export const seconds = (ms: number): string => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;

/** Node's network error codes, said in words. */
const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
};

/** The innermost error code of a fetch failure (undici wraps the socket error in `cause`). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_CAUSES) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}

/** The API's own error text (`{ error: { message } }`), if it sent one. */
function apiMessage(error: APIError): string | undefined {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' && body.message.trim() !== '' ? body.message.trim() : undefined;
}

/**
 * Turns whatever the OpenAI client threw into a plain sentence for the chat.
 * `scrub` removes the API key from anything the server echoed.
 */
export function describeModelFailure(error: unknown, where: ModelLocation, timeoutMs: number, scrub: (text: string) => string): DomainError {
  const at = `${where.baseUrl} (model "${where.model}")`;
  if (error instanceof DomainError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelUnavailableError(`The model at ${at} did not answer within ${seconds(timeoutMs)}.`);
  }
  if (error instanceof APIConnectionError) {
    const code = networkCode(error);
    const why = code ? (NETWORK_CAUSES[code] as string) : scrub(innermostMessage(error));
    return new ModelUnavailableError(
      `No model could be reached at ${at}: ${why}. Start the model server (e.g. Ollama) or set JARVIS_MODEL_BASE_URL.`,
      code ? { cause: code } : undefined,
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const said = apiMessage(error);
    const detail = said ? `: ${scrub(said)}` : '';
    const status = error.status;
    if (status === 401 || status === 403) {
      return new ModelUnavailableError(`The model server at ${at} refused the API key (HTTP ${status})${detail}. Check JARVIS_MODEL_API_KEY.`, { status });
    }
    if (status === 404) {
      return new ModelUnavailableError(`The model server at ${at} does not offer this model (HTTP 404)${detail}. Check JARVIS_MODEL (e.g. \`ollama pull\` it).`, { status });
    }
    if (status === 400 || status === 422) {
      return new ModelRequestRejectedError(`The model at ${at} refused the request (HTTP ${status})${detail}.`, { status });
    }
    return new ModelUnavailableError(`The model server at ${at} failed (HTTP ${status})${detail}.`, { status });
  }
  // e.g. the stream broke off mid-answer (socket closed, malformed event)
  return new ModelUnavailableError(`The answer of the model at ${at} broke off: ${scrub(innermostMessage(error))}.`);
}
