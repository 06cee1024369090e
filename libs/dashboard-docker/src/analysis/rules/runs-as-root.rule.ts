import type { AnalyzerRule } from '../analysis-input.js';
import { composeFix, containerName } from '../compose-snippet.js';

const ROOT = /^(root|0)(:.*)?$/;

/** The user the process starts as: the container's `User`, else the image's, else root. */
export function effectiveUser(container: { Config: { User?: string } }, image: { Config?: { User?: string } | null } | null): string {
  return container.Config.User || image?.Config?.User || 'root';
}

/**
 * Root in a container is root on the host as soon as anything leaks (a
 * mounted directory, a kernel bug, a capability). Images in the linuxserver.io
 * style start as root and drop to PUID/PGID themselves: reported as info.
 */
export const runsAsRootRule: AnalyzerRule = {
  id: 'runs-as-root',
  check(subject) {
    const user = effectiveUser(subject.container, subject.image);
    if (!ROOT.test(user)) return undefined;
    const env = subject.container.Config.Env ?? [];
    const dropsPrivileges = env.some((e) => e.startsWith('PUID=')) && env.some((e) => e.startsWith('PGID='));
    const name = containerName(subject);
    if (dropsPrivileges) {
      return {
        severity: 'info',
        message: `${name} starts as root and is expected to switch to PUID/PGID itself (linuxserver.io style); make sure those are not 0.`,
        fix: composeFix(subject, ['environment:', '  PUID: "1000"', '  PGID: "1000"']),
      };
    }
    return {
      severity: 'warning',
      message: `${name} runs as root (${user === 'root' ? 'no user is set in the container or its image' : `user "${user}"`}): a compromised service is root over everything mounted into it.`,
      fix: composeFix(subject, ['user: "1000:1000"   # and make its volumes writable for it: chown -R 1000:1000 ./data']),
    };
  },
};
