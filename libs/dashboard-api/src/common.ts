/** A part of an answer that failed while the rest still stands (a Docker host, NATS), or a stream's `error` event. */
export interface ErrorInfo {
  code: string;
  message: string;
}

/** Every error answer: `{ error: { code, message, details } }`, with the HTTP status of its kind. */
export interface ErrorAnswer {
  error: ErrorInfo & { details?: Record<string, unknown> };
}
