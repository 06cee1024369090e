import type { AnalysisSubject, AnalyzerRule } from '../analysis-input.js';
import { composeFix, containerName, serviceName } from '../compose-snippet.js';
import { parseImageReference } from '../image-reference.js';

const SOCKET = /(^|\/)(docker|podman)\.sock$/;
const SOCKET_PROXY = /socket-proxy|docker-proxy/;

/** Host paths of the container's mounts, from `Mounts` and from `HostConfig.Binds` (set before the container first started). */
function mountedSources(subject: AnalysisSubject): string[] {
  const fromMounts = (subject.container.Mounts ?? []).map((m) => m.Source ?? '');
  const fromBinds = (subject.container.HostConfig.Binds ?? []).map((b) => b.split(':')[0] ?? '');
  return [...new Set([...fromMounts, ...fromBinds])];
}

/**
 * The Docker socket is the whole Docker API: whoever reaches it can start a
 * privileged container and own the host. `:ro` does not help (it makes the
 * socket file read-only, not the API). A socket proxy is the exception: it
 * needs the socket to hand out a filtered API.
 */
export const dockerSocketMountedRule: AnalyzerRule = {
  id: 'docker-socket-mounted',
  check(subject) {
    const socket = mountedSources(subject).find((source) => SOCKET.test(source));
    if (!socket) return undefined;
    const name = containerName(subject);
    if (SOCKET_PROXY.test(parseImageReference(subject.container.Config.Image).repository)) {
      return {
        severity: 'info',
        message: `${name} mounts ${socket}, as a socket proxy must; keep it on an internal network and publish none of its ports.`,
        fix: composeFix(subject, ['networks: [socket-proxy]   # no "ports:"'], ['networks:', '  socket-proxy:', '    internal: true']),
      };
    }
    const service = serviceName(subject);
    return {
      severity: 'critical',
      message: `${name} mounts the Docker socket (${socket}): it can control every container and, through a privileged one, the host (":ro" does not restrict the API).`,
      fix: [
        'services:',
        '  socket-proxy:',
        '    image: tecnativa/docker-socket-proxy:0.3',
        '    environment:',
        `      CONTAINERS: 1   # only the API sections ${service} needs`,
        '    volumes:',
        `      - ${socket}:/var/run/docker.sock:ro`,
        '    networks: [socket-proxy]',
        `  ${service}:`,
        '    environment:',
        '      DOCKER_HOST: tcp://socket-proxy:2375',
        '    networks: [socket-proxy]',
        `    # and remove the ${socket} volume`,
        'networks:',
        '  socket-proxy:',
        '    internal: true',
      ].join('\n'),
    };
  },
};
