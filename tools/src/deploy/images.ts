import { problem, type Problem } from './problems.js';
import type { RepoFacts } from './repo-facts.js';

export interface ImageRef {
  /** Without registry host, e.g. `nats`, `homelab/dashboard`. */
  repository: string;
  registry: string | undefined;
  tag: string | undefined;
  digest: string | undefined;
}

/** Upstream images the deployment may use (Docker Hub official images). */
export const KNOWN_UPSTREAM = new Set(['nats', 'postgres', 'node', 'tecnativa/docker-socket-proxy']);
export const HOMELAB_REPOSITORY = /^homelab\/([a-z0-9-]+)$/;

export function parseImageRef(reference: string): ImageRef {
  const [withoutDigest = '', digest] = reference.split('@', 2);
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  let name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : undefined;
  const first = name.split('/')[0] ?? '';
  let registry: string | undefined;
  if (name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    name = name.slice(first.length + 1);
  }
  if (registry === undefined || registry === 'docker.io') name = name.replace(/^library\//, '');
  return { repository: name, registry, tag, digest };
}

/** The service a `homelab/<service>` image is of, if it is one. */
export function homelabService(image: ImageRef): string | undefined {
  return HOMELAB_REPOSITORY.exec(image.repository)?.[1];
}

/** A reproducible reference: a digest, or an explicit version tag (never `latest`). */
export function isPinned(image: ImageRef): boolean {
  if (image.digest) return true;
  return image.tag !== undefined && image.tag !== 'latest' && /^v?\d/.test(image.tag);
}

/**
 * An image must be `homelab/<service>` at the repository's version, or a
 * known upstream image with a pinned version tag.
 */
export function checkImage(reference: string, where: string, facts: RepoFacts): Problem[] {
  const image = parseImageRef(reference);
  const service = homelabService(image);
  if (service !== undefined) {
    const problems: Problem[] = [];
    if (!facts.services.has(service) || !facts.files.exists(`apps/${service}/src/main.ts`)) {
      problems.push(problem(where, `image ${reference}: no service "${service}" (apps/${service}/src/main.ts)`));
    }
    if (image.tag !== facts.version) {
      problems.push(problem(where, `image ${reference}: tag must be the release version ${facts.version}`));
    }
    return problems;
  }
  if (!KNOWN_UPSTREAM.has(image.repository)) {
    return [problem(where, `image ${reference}: neither homelab/<service> nor a known upstream (${[...KNOWN_UPSTREAM].join(', ')})`)];
  }
  return isPinned(image) ? [] : [problem(where, `image ${reference}: pin a version tag (not latest, not untagged)`)];
}
