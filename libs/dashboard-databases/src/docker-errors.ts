import { DomainError } from '@homelab/contracts';
import { DockerHostUnavailableError } from './database-errors.js';

interface DockerodeError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

const asDockerError = (error: unknown): DockerodeError => (typeof error === 'object' && error !== null ? (error as DockerodeError) : {});

/** The engine answered 404 (no such container, volume, image or exec). */
export function isNotFound(error: unknown): boolean {
  return asDockerError(error).statusCode === 404;
}

export function isConflict(error: unknown): boolean {
  return asDockerError(error).statusCode === 409;
}

/** The engine's own message (`{ message }`), else the error's. */
export function dockerMessage(error: unknown): string {
  const e = asDockerError(error);
  const message = e.json?.message ?? e.message ?? String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** Could not talk to the engine at all (socket missing, refused, timed out) or it failed inside. */
export function isUnreachable(error: unknown): boolean {
  const e = asDockerError(error);
  if (e.statusCode !== undefined) return e.statusCode >= 500;
  return typeof e.code === 'string' || /timeout|socket hang up|ECONN|ENOENT|EPIPE/i.test(e.message ?? '');
}

/** Domain errors pass; an unreachable engine becomes 503 DOCKER_HOST_UNAVAILABLE; anything else is rethrown. */
export function translateDockerError(host: string, error: unknown): Error {
  if (error instanceof DomainError) return error;
  if (isUnreachable(error)) return new DockerHostUnavailableError(host, dockerMessage(error));
  return error instanceof Error ? error : new Error(String(error));
}
