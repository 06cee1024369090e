/** DNS-label-ish: lower-case letters, digits and inner hyphens, 2–32 characters, starting with a letter. */
export const DATABASE_NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])$/;

export const DATABASE_NAME_RULE = '2–32 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen';

/** Names of the Docker objects of one database (stable: restarts and other replicas find them again). */
export function dockerNames(name: string): { containerName: string; volume: string } {
  return { containerName: `homelab-db-${name}`, volume: `homelab-db-${name}-data` };
}
