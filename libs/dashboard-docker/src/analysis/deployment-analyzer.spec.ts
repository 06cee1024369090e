import { describe, expect, it } from 'vitest';
import type { AnalysisSubject, InspectedContainer, InspectedImage } from './analysis-input.js';
import { analyzeContainer } from './deployment-analyzer.js';
import { parseImageReference } from './image-reference.js';

type Overrides = {
  config?: Partial<InspectedContainer['Config']>;
  hostConfig?: Partial<InspectedContainer['HostConfig']>;
  mounts?: InspectedContainer['Mounts'];
  state?: InspectedContainer['State'];
  ports?: InspectedContainer['NetworkSettings'];
  image?: Partial<NonNullable<InspectedImage['Config']>> | null;
  repoDigests?: string[];
  memoryBytes?: number;
};

/** A container that follows every rule; each test breaks one thing. */
function subject(o: Overrides = {}): AnalysisSubject {
  const container: InspectedContainer = {
    Id: 'c'.repeat(64),
    Name: '/app',
    Config: {
      Image: 'ghcr.io/acme/app:1.4.2',
      User: '1000:1000',
      Env: ['PATH=/usr/bin'],
      Labels: { 'com.docker.compose.service': 'app' },
      ExposedPorts: { '8080/tcp': {} },
      Healthcheck: { Test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/health'] },
      ...o.config,
    },
    HostConfig: { Privileged: false, Memory: 536_870_912, NanoCpus: 1_000_000_000, NetworkMode: 'bridge', PortBindings: {}, Binds: null, ...o.hostConfig },
    Mounts: o.mounts ?? [],
    State: o.state ?? { Running: true },
    NetworkSettings: o.ports ?? { Ports: {} },
  };
  const image: InspectedImage | null =
    o.image === null ? null : { RepoTags: ['ghcr.io/acme/app:1.4.2'], RepoDigests: o.repoDigests ?? [`ghcr.io/acme/app@sha256:${'d'.repeat(64)}`], Config: { User: '', ...o.image } };
  return { host: 'local', container, image, stats: o.memoryBytes === undefined ? null : { memoryBytes: o.memoryBytes } };
}

const rules = (s: AnalysisSubject): string[] => analyzeContainer(s).map((f) => f.rule);
const only = (s: AnalysisSubject, rule: string) => {
  const found = analyzeContainer(s).filter((f) => f.rule === rule);
  expect(found).toHaveLength(1);
  return found[0] as NonNullable<(typeof found)[number]>;
};

describe('deployment analyzer', () => {
  it('finds nothing wrong with a container that follows every rule', () => {
    expect(analyzeContainer(subject())).toEqual([]);
  });

  describe('no-healthcheck', () => {
    it('flags a container whose image has none either, with a probe for its port', () => {
      const finding = only(subject({ config: { Healthcheck: null } }), 'no-healthcheck');
      expect(finding).toMatchObject({ host: 'local', containerId: 'c'.repeat(64), containerName: 'app', severity: 'warning' });
      expect(finding.fix).toContain('services:\n  app:\n    healthcheck:');
      expect(finding.fix).toContain('http://127.0.0.1:8080/');
    });
    it('flags a check switched off with NONE even when the image has one', () => {
      const finding = only(subject({ config: { Healthcheck: { Test: ['NONE'] } }, image: { Healthcheck: { Test: ['CMD', 'true'] } } }), 'no-healthcheck');
      expect(finding.message).toContain('switched off');
    });
    it('accepts the image\'s check, and suggests the database\'s own probe', () => {
      expect(rules(subject({ config: { Healthcheck: null }, image: { Healthcheck: { Test: ['CMD-SHELL', 'curl -f localhost'] } } }))).not.toContain('no-healthcheck');
      expect(rules(subject({ config: { Healthcheck: { Test: [] } }, image: { Healthcheck: { Test: ['CMD', 'true'] } } }))).not.toContain('no-healthcheck');
      expect(only(subject({ config: { Image: 'postgres:17', Healthcheck: null } }), 'no-healthcheck').fix).toContain('pg_isready');
    });
  });

  describe('no-resource-limits', () => {
    it('warns without a memory limit, suggesting twice the current use', () => {
      const finding = only(subject({ hostConfig: { Memory: 0 }, memoryBytes: 200 * 1024 * 1024 }), 'no-resource-limits');
      expect(finding.severity).toBe('warning');
      expect(finding.message).toMatch(/no memory limit/);
      expect(finding.fix).toContain('memory: 448M');
      expect(finding.fix).not.toContain('cpus');
    });
    it('is informational when only the CPU limit is missing; any CPU limit counts', () => {
      const finding = only(subject({ hostConfig: { NanoCpus: 0 } }), 'no-resource-limits');
      expect(finding).toMatchObject({ severity: 'info' });
      expect(finding.fix).toContain('cpus: "1.0"');
      expect(rules(subject({ hostConfig: { NanoCpus: 0, CpuQuota: 50_000 } }))).toEqual([]);
      expect(rules(subject({ hostConfig: { NanoCpus: 0, CpusetCpus: '0,1' } }))).toEqual([]);
      expect(only(subject({ hostConfig: { NanoCpus: 0, Memory: 0 } }), 'no-resource-limits').message).toMatch(/no memory and CPU limit/);
    });
  });

  describe('runs-as-root', () => {
    it('flags root by default, by name and by uid, in the container or its image', () => {
      expect(only(subject({ config: { User: '' } }), 'runs-as-root').severity).toBe('warning');
      expect(rules(subject({ config: { User: 'root' } }))).toContain('runs-as-root');
      expect(rules(subject({ config: { User: '0:0' } }))).toContain('runs-as-root');
      expect(rules(subject({ config: { User: '' }, image: { User: '0' } }))).toContain('runs-as-root');
    });
    it('accepts a non-root user from the container or the image; PUID/PGID images are informational', () => {
      expect(rules(subject({ config: { User: '' }, image: { User: 'node' } }))).not.toContain('runs-as-root');
      expect(rules(subject({ config: { User: 'rootless' } }))).not.toContain('runs-as-root');
      expect(only(subject({ config: { User: '', Env: ['PUID=1000', 'PGID=1000'] } }), 'runs-as-root').severity).toBe('info');
    });
  });

  describe('latest-tag', () => {
    it('flags :latest and untagged images, pinning the OCI version label or the digest', () => {
      const labelled = only(subject({ config: { Image: 'ghcr.io/acme/app:latest' }, image: { Labels: { 'org.opencontainers.image.version': '1.4.2' } } }), 'latest-tag');
      expect(labelled.fix).toContain('image: ghcr.io/acme/app:1.4.2');
      const digest = only(subject({ config: { Image: 'ghcr.io/acme/app' } }), 'latest-tag');
      expect(digest.message).toContain('without a tag');
      expect(digest.fix).toContain(`image: ghcr.io/acme/app@sha256:${'d'.repeat(64)}`);
      expect(only(subject({ config: { Image: 'registry.lan:5000/app' }, image: null }), 'latest-tag').fix).toContain('registry.lan:5000/app:<version>');
    });
    it('accepts versions, digests and bare image ids; a registry port is not a tag', () => {
      expect(rules(subject({ config: { Image: 'registry.lan:5000/app:2' } }))).toEqual([]);
      expect(rules(subject({ config: { Image: `nginx@sha256:${'e'.repeat(64)}` } }))).toEqual([]);
      expect(rules(subject({ config: { Image: `sha256:${'e'.repeat(64)}` } }))).toEqual([]);
      expect(parseImageReference('registry.lan:5000/team/app')).toEqual({ repository: 'registry.lan:5000/team/app', tag: null, digest: null, isId: false });
    });
  });

  describe('plain-http-port', () => {
    const published = (hostIp: string, port = '8080/tcp', hostPort = '8080') => ({ PortBindings: { [port]: [{ HostIp: hostIp, HostPort: hostPort }] } });
    it('flags a web port published on every interface, binding it to 127.0.0.1 in the fix', () => {
      const finding = only(subject({ hostConfig: published('') }), 'plain-http-port');
      expect(finding.severity).toBe('warning');
      expect(finding.message).toContain('8080→8080/tcp');
      expect(finding.fix).toContain('"127.0.0.1:8080:8080"');
      expect(finding.fix).toContain('traefik.http.services.app.loadbalancer.server.port=8080');
      expect(rules(subject({ hostConfig: published('::') }))).toContain('plain-http-port');
      expect(rules(subject({ hostConfig: published('0.0.0.0') }))).toContain('plain-http-port');
    });
    it('sees ports Docker picked (-P) and host networking', () => {
      expect(only(subject({ hostConfig: { PublishAllPorts: true }, ports: { Ports: { '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '49153' }] } } }), 'plain-http-port').message).toContain('49153→8080');
      expect(only(subject({ hostConfig: { NetworkMode: 'host' } }), 'plain-http-port').message).toContain('8080/tcp (host network)');
    });
    it('accepts loopback and specific addresses, TLS ports, non-HTTP protocols, UDP and reverse-proxied containers', () => {
      expect(rules(subject({ hostConfig: published('127.0.0.1') }))).toEqual([]);
      expect(rules(subject({ hostConfig: published('192.168.1.10') }))).toEqual([]);
      expect(rules(subject({ hostConfig: published('', '443/tcp', '443') }))).toEqual([]);
      expect(rules(subject({ hostConfig: published('', '5432/tcp', '5432') }))).toEqual([]);
      expect(rules(subject({ hostConfig: published('', '8080/udp') }))).toEqual([]);
      expect(rules(subject({ hostConfig: published(''), config: { Labels: { 'traefik.enable': 'true' } } }))).toEqual([]);
      expect(rules(subject({ hostConfig: published(''), config: { Labels: { caddy: 'app.home.example', 'caddy.reverse_proxy': '{{upstreams 8080}}' } } }))).toEqual([]);
      expect(rules(subject({ hostConfig: published(''), config: { Env: ['VIRTUAL_HOST=app.home.example'] } }))).toEqual([]);
    });
    it('takes port 80 beside a TLS port for the redirect to HTTPS', () => {
      const both = { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '80' }], '443/tcp': [{ HostIp: '', HostPort: '443' }] } };
      expect(rules(subject({ hostConfig: both }))).toEqual([]);
    });
  });

  describe('privileged', () => {
    it('is critical when privileged, silent otherwise', () => {
      const finding = only(subject({ hostConfig: { Privileged: true } }), 'privileged');
      expect(finding.severity).toBe('critical');
      expect(finding.fix).toContain('privileged: false');
      expect(rules(subject({ hostConfig: { Privileged: false } }))).toEqual([]);
    });
  });

  describe('docker-socket-mounted', () => {
    it('is critical for the socket as a mount or a bind (read-only too), with a socket proxy as the fix', () => {
      const finding = only(subject({ mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: false }] }), 'docker-socket-mounted');
      expect(finding.severity).toBe('critical');
      expect(finding.fix).toContain('DOCKER_HOST: tcp://socket-proxy:2375');
      expect(rules(subject({ hostConfig: { Binds: ['/run/docker.sock:/var/run/docker.sock:ro'] } }))).toContain('docker-socket-mounted');
    });
    it('is informational for a socket proxy; other mounts are fine', () => {
      expect(only(subject({ config: { Image: 'tecnativa/docker-socket-proxy:0.3' }, hostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro'] } }), 'docker-socket-mounted').severity).toBe('info');
      expect(rules(subject({ mounts: [{ Type: 'bind', Source: '/srv/data', Destination: '/data' }] }))).toEqual([]);
    });
  });

  describe('unhealthy', () => {
    it('is critical with the failing streak and the last output, most severe first', () => {
      const findings = analyzeContainer(
        subject({ hostConfig: { Memory: 0 }, state: { Running: true, Health: { Status: 'unhealthy', FailingStreak: 4, Log: [{ ExitCode: 1, Output: 'curl: (7) Failed to connect\n' }] } } }),
      );
      expect(findings.map((f) => f.rule)).toEqual(['unhealthy', 'no-resource-limits']);
      expect(findings[0]?.message).toContain('failed 4 time(s) in a row (last output: "curl: (7) Failed to connect")');
      expect(findings[0]?.fix).toContain('docker logs --tail 100 app');
    });
    it('is silent when healthy, starting, or stopped', () => {
      expect(rules(subject({ state: { Running: true, Health: { Status: 'healthy', FailingStreak: 0 } } }))).toEqual([]);
      expect(rules(subject({ state: { Running: true, Health: { Status: 'starting', FailingStreak: 0 } } }))).toEqual([]);
      expect(rules(subject({ state: { Running: false, Health: { Status: 'unhealthy', FailingStreak: 3 } } }))).toEqual([]);
    });
  });
});
