import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { ConfigError } from '@homelab/config';
import type { DockerHostEndpoint, DockerHostRegistry } from './docker-host-registry.js';
import { DockerHostUnknownError } from './docker-errors.js';
import { parseDockerHosts, requireTlsMaterial, type DockerHostSpec, type DockerHostsSettings, type DockerTlsMaterial } from './docker-hosts-config.js';

/** dockerode's options as docker-modem reads them (the typings lack `agent` and `connectionTimeout`). */
interface ModemOptions extends Docker.DockerOptions {
  agent: HttpAgent;
  connectionTimeout: number;
  pathPrefix: string;
}

interface HostClients {
  spec: DockerHostSpec;
  agent: HttpAgent;
  client: Docker;
  streaming: Docker;
}

/** Slack between our own deadline and docker-modem's socket timeout, so ours fires first and is reported as a timeout. */
const MODEM_BACKSTOP_MS = 1000;

/**
 * Every key docker-modem would otherwise take from the environment
 * (DOCKER_HOST, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY, DOCKER_CLIENT_TIMEOUT) is
 * set explicitly: the configuration comes from DOCKER_HOSTS alone.
 */
function modemOptions(spec: DockerHostSpec, agent: HttpAgent, tls: DockerTlsMaterial | undefined, timeoutMs: number | undefined, connectMs: number): ModemOptions {
  const base = {
    agent,
    connectionTimeout: connectMs,
    timeout: timeoutMs,
    pathPrefix: '/',
    version: undefined,
    headers: {},
  };
  if (spec.kind === 'unix') {
    return { ...base, socketPath: spec.socketPath, host: undefined, port: undefined, protocol: 'http', ca: undefined, cert: undefined, key: undefined };
  }
  const material = spec.kind === 'https' ? tls : undefined;
  return {
    ...base,
    socketPath: undefined,
    host: spec.hostname,
    port: spec.port,
    protocol: spec.kind,
    ca: material?.ca,
    cert: material?.cert,
    key: material?.key,
  };
}

/**
 * docker-modem reads DOCKER_HOST and DOCKER_CERT_PATH while it is built,
 * even though every value is then overridden; a broken one (a certificate
 * directory that does not exist) would crash it with a confusing error.
 */
function dockerClient(options: ModemOptions): Docker {
  try {
    return new Docker(options);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const variable = /DOCKER_HOST/.test(detail) ? 'DOCKER_HOST' : 'DOCKER_CERT_PATH';
    throw new ConfigError(variable, `is set in the environment and broken (${detail}); dockerode reads it although the dashboard uses DOCKER_HOSTS — unset it`);
  }
}

/**
 * Connections are not kept alive: a poll every few seconds costs little, and
 * a pooled socket the daemon has meanwhile closed would fail the next request.
 */
function agentFor(spec: DockerHostSpec, tls: DockerTlsMaterial | undefined): HttpAgent {
  const agent = spec.kind === 'https' && tls ? new HttpsAgent({ keepAlive: false, ca: tls.ca, cert: tls.cert, key: tls.key }) : new HttpAgent({ keepAlive: false });
  // docker-modem formats every request's options with util.inspect(showHidden, depth: null) even
  // when its debug output is off; walking the agent's open sockets (one per stats stream) took
  // half a second per request with 40 containers and blocked the event loop
  Object.defineProperty(agent, inspect.custom, { value: () => `[Docker agent ${spec.name}]` });
  return agent;
}

/**
 * The configured Docker hosts with two dockerode clients each, sharing the
 * TLS settings: `client(name)` for ordinary calls (no call stays silent
 * longer than DOCKER_TIMEOUT_MS), `streamingClient(name)` for streams that
 * may idle for long (events, followed logs, stats) and for calls bounded by a
 * deadline of their own (stop and restart wait for the grace period).
 */
export class DockerHosts implements DockerHostRegistry {
  private readonly byName = new Map<string, HostClients>();
  private readonly endpoints: readonly DockerHostEndpoint[];

  constructor(
    specs: readonly DockerHostSpec[],
    tls: DockerTlsMaterial | undefined,
    /** DOCKER_TIMEOUT_MS: the deadline of one Docker API call. */
    readonly timeoutMs: number,
  ) {
    if (specs.length === 0) throw new RangeError('DockerHosts needs at least one host');
    for (const spec of specs) {
      const agent = agentFor(spec, tls);
      this.byName.set(spec.name, {
        spec,
        agent,
        client: dockerClient(modemOptions(spec, agent, tls, timeoutMs + MODEM_BACKSTOP_MS, timeoutMs)),
        streaming: dockerClient(modemOptions(spec, agent, tls, undefined, timeoutMs)),
      });
    }
    this.endpoints = Object.freeze(specs.map(({ name, kind, endpoint }) => Object.freeze({ name, kind, endpoint })));
  }

  hosts(): readonly DockerHostEndpoint[] {
    return this.endpoints;
  }

  client(name: string): Docker {
    return this.entry(name).client;
  }

  /** A client without an idle timeout (only the connection is bounded); callers bound the call themselves. */
  streamingClient(name: string): Docker {
    return this.entry(name).streaming;
  }

  defaultHost(): string {
    return (this.endpoints[0] as DockerHostEndpoint).name;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The parsed configuration of a host (socket path or hostname and port). */
  spec(name: string): DockerHostSpec {
    return this.entry(name).spec;
  }

  /** Destroys any sockets still open (streams are stopped by their owners first). */
  close(): void {
    for (const { agent } of this.byName.values()) agent.destroy();
  }

  private entry(name: string): HostClients {
    const entry = this.byName.get(name);
    if (!entry) throw new DockerHostUnknownError(name);
    return entry;
  }
}

/** The Docker hosts of the dashboard configuration; throws ConfigError (naming the variable) for a bad one. */
export function createDockerHosts(settings: DockerHostsSettings): DockerHosts {
  const specs = parseDockerHosts(settings.DOCKER_HOSTS);
  return new DockerHosts(specs, requireTlsMaterial(specs, settings), settings.DOCKER_TIMEOUT_MS);
}
