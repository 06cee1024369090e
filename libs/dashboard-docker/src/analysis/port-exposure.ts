import type { AnalysisSubject, PortBindings } from './analysis-input.js';

/** Container ports that speak TLS by convention (HTTPS, DoT, IMAPS, MQTTS, Docker TLS, Kubernetes API …). */
export const TLS_PORTS: ReadonlySet<number> = new Set([443, 465, 636, 853, 993, 995, 2376, 4443, 5061, 5671, 5986, 6443, 8443, 8883, 9443]);

/** Container ports of well-known protocols that are not HTTP: not this rule's business. */
export const NON_HTTP_PORTS: ReadonlyMap<number, string> = new Map([
  [21, 'FTP'],
  [22, 'SSH'],
  [25, 'SMTP'],
  [53, 'DNS'],
  [110, 'POP3'],
  [139, 'SMB'],
  [143, 'IMAP'],
  [389, 'LDAP'],
  [445, 'SMB'],
  [587, 'SMTP submission'],
  [1883, 'MQTT'],
  [2049, 'NFS'],
  [3306, 'MySQL'],
  [4222, 'NATS'],
  [5432, 'PostgreSQL'],
  [5672, 'AMQP'],
  [6379, 'Redis'],
  [11211, 'memcached'],
  [25565, 'Minecraft'],
  [27017, 'MongoDB'],
]);

export interface ExposedPort {
  containerPort: number;
  hostPort: string;
  hostIp: string;
}

const ALL_INTERFACES = new Set(['', '0.0.0.0', '::']);
/** A published port whose host side Docker chooses at start. */
export const RANDOM = '(random)';

/**
 * Labels and variables of the common reverse proxies: Traefik and
 * caddy-docker-proxy read labels, nginx-proxy reads VIRTUAL_HOST.
 */
export function behindReverseProxy(subject: AnalysisSubject): boolean {
  const labels = subject.container.Config.Labels ?? {};
  const keys = Object.keys(labels);
  const traefik = labels['traefik.enable'] === 'true' || keys.some((k) => k.startsWith('traefik.http.routers.'));
  const caddy = keys.some((k) => k === 'caddy' || k.startsWith('caddy.') || k.startsWith('caddy_'));
  const nginxProxy = (subject.container.Config.Env ?? []).some((e) => e.startsWith('VIRTUAL_HOST='));
  return traefik || caddy || nginxProxy;
}

function tcpPort(key: string): number | undefined {
  const [port, protocol = 'tcp'] = key.split('/');
  return protocol === 'tcp' && port && /^\d+$/.test(port) ? Number(port) : undefined;
}

/** TCP ports reachable on every interface of the host: published on 0.0.0.0/:: (configured or as running), or exposed with host networking. */
export function portsOnAllInterfaces(subject: AnalysisSubject): ExposedPort[] {
  const { container, image } = subject;
  const found = new Map<string, ExposedPort>();
  if (container.HostConfig.NetworkMode === 'host') {
    for (const key of Object.keys({ ...(image?.Config?.ExposedPorts ?? {}), ...(container.Config.ExposedPorts ?? {}) })) {
      const port = tcpPort(key);
      if (port !== undefined) found.set(`${port}`, { containerPort: port, hostPort: String(port), hostIp: '' });
    }
    return [...found.values()];
  }
  // configured bindings first; the running container's fill in ports Docker picked (an empty HostPort, -P)
  const sources: PortBindings[] = [container.HostConfig.PortBindings ?? null, container.NetworkSettings?.Ports ?? null];
  for (const bindings of sources) {
    for (const [key, list] of Object.entries(bindings ?? {})) {
      const port = tcpPort(key);
      if (port === undefined) continue;
      for (const binding of list ?? []) {
        if (!ALL_INTERFACES.has(binding.HostIp ?? '')) continue;
        const known = found.get(`${port}`);
        if (known && known.hostPort !== RANDOM) continue;
        found.set(`${port}`, { containerPort: port, hostPort: binding.HostPort || RANDOM, hostIp: binding.HostIp ?? '' });
      }
    }
  }
  return [...found.values()];
}
