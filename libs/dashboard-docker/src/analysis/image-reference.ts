/** How an image is referenced: by digest, by tag, or not at all (the implicit `:latest`). */
export interface ImageReference {
  repository: string;
  tag: string | null;
  digest: string | null;
  /** The container was created from a bare image id. */
  isId: boolean;
}

/**
 * Splits `registry:5000/team/app:1.2@sha256:…` into repository, tag and
 * digest. A colon before the last slash belongs to the registry's port.
 */
export function parseImageReference(reference: string): ImageReference {
  if (/^(sha256:)?[0-9a-f]{64}$/.test(reference)) return { repository: reference, tag: null, digest: null, isId: true };
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : null;
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const hasTag = colon > slash;
  return { repository: hasTag ? name.slice(0, colon) : name, tag: hasTag ? name.slice(colon + 1) : null, digest, isId: false };
}
