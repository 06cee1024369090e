import type { AnalyzerRule } from '../analysis-input.js';
import { composeFix, containerName, serviceName } from '../compose-snippet.js';
import { behindReverseProxy, NON_HTTP_PORTS, portsOnAllInterfaces, RANDOM, TLS_PORTS } from '../port-exposure.js';

/**
 * Plain HTTP reachable from the whole network. Docker cannot tell what a port
 * speaks, so the heuristic is:
 * - only TCP ports reachable on every interface count (published on
 *   0.0.0.0/:: or host networking); 127.0.0.1 or a specific address is a choice;
 * - containers routed by a reverse proxy (Traefik or caddy-docker-proxy
 *   labels, nginx-proxy's VIRTUAL_HOST) are fine: the proxy terminates TLS;
 * - a container port that speaks TLS by convention (443, 8443, 9443 …) is
 *   fine, and so is port 80 of a container that also publishes one (the
 *   usual redirect to HTTPS);
 * - well-known non-HTTP protocols (SSH, DNS, databases, MQTT …) are left out;
 * - every other TCP port is taken for a web UI — most self-hosted services
 *   serve theirs on an arbitrary port (8080, 8096, 8123, 32400 …).
 */
export const plainHttpPortRule: AnalyzerRule = {
  id: 'plain-http-port',
  check(subject) {
    if (behindReverseProxy(subject)) return undefined;
    const exposed = portsOnAllInterfaces(subject);
    const hasTls = exposed.some((p) => TLS_PORTS.has(p.containerPort));
    const plain = exposed.filter((p) => !TLS_PORTS.has(p.containerPort) && !NON_HTTP_PORTS.has(p.containerPort) && !(hasTls && p.containerPort === 80));
    if (plain.length === 0) return undefined;
    const name = containerName(subject);
    const hostNetwork = subject.container.HostConfig.NetworkMode === 'host';
    const list = plain.map((p) => (hostNetwork ? `${p.containerPort}/tcp (host network)` : `${p.hostPort}→${p.containerPort}/tcp`)).join(', ');
    const first = plain[0] as (typeof plain)[number];
    const service = serviceName(subject);
    const ports = hostNetwork ? [] : ['ports:', ...plain.map((p) => `  - "127.0.0.1:${p.hostPort === RANDOM ? p.containerPort : p.hostPort}:${p.containerPort}"   # this machine only`)];
    return {
      severity: 'warning',
      message: `${name} serves plain HTTP on every interface (${list}): anyone on the network can reach it unencrypted, logins included. Publish it on 127.0.0.1 and let a reverse proxy serve it over HTTPS.`,
      fix: composeFix(subject, [
        ...ports,
        'labels:   # e.g. Traefik terminating TLS in front of it',
        '  - traefik.enable=true',
        `  - traefik.http.routers.${service}.rule=Host(\`${service}.home.example\`)`,
        `  - traefik.http.routers.${service}.tls=true`,
        `  - traefik.http.services.${service}.loadbalancer.server.port=${first.containerPort}`,
      ]),
    };
  },
};
