import type { AnalyzerRule } from '../analysis-input.js';
import { composeFix, containerName } from '../compose-snippet.js';
import { parseImageReference } from '../image-reference.js';

const VERSION_LABEL = 'org.opencontainers.image.version';

/**
 * `:latest` (or no tag, which means the same) is whatever was newest when the
 * image was pulled: a re-pull or a new host silently runs another version,
 * and a bad update cannot be rolled back by name. The fix pins the version
 * the image says it is (OCI label), or its digest.
 */
export const latestTagRule: AnalyzerRule = {
  id: 'latest-tag',
  check(subject) {
    const reference = parseImageReference(subject.container.Config.Image);
    if (reference.isId || reference.digest) return undefined;
    if (reference.tag !== null && reference.tag !== 'latest') return undefined;
    const version = subject.image?.Config?.Labels?.[VERSION_LABEL];
    const digest = subject.image?.RepoDigests?.find((d) => d.startsWith(`${reference.repository}@`)) ?? subject.image?.RepoDigests?.[0];
    const pinned =
      version && version !== 'latest'
        ? `image: ${reference.repository}:${version}   # the version this image says it is`
        : digest
          ? `image: ${digest}   # exactly the image running now`
          : `image: ${reference.repository}:<version>   # a release tag from the image's registry page`;
    return {
      severity: 'warning',
      message: `${containerName(subject)} uses ${reference.tag ? `"${subject.container.Config.Image}"` : `"${subject.container.Config.Image}" without a tag (= :latest)`}: the next pull may bring another version without notice, and there is no tag to roll back to.`,
      fix: composeFix(subject, [pinned]),
    };
  },
};
