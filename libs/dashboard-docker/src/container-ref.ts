import { ContainerRefInvalidError } from './docker-errors.js';

/** A full or short container id. */
const ID = /^[0-9a-f]{12,64}$/;
/** Docker's rule for container names (daemon/names.RestrictedNamePattern), with a sane length cap. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/**
 * A container reference from a URL, checked before it goes into a Docker
 * API path: dockerode does not encode ids, so `../images/x` would reach
 * another endpoint.
 */
export function parseContainerRef(value: string, field = 'id'): string {
  if (ID.test(value) || NAME.test(value)) return value;
  throw new ContainerRefInvalidError(field);
}
