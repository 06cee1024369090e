import type Docker from 'dockerode';

/** How the dashboard reaches one Docker engine (from DOCKER_HOSTS). */
export interface DockerHostEndpoint {
  /** Operator-chosen name, e.g. `local`, `nas`. */
  name: string;
  kind: 'unix' | 'http' | 'https';
  /** For display: the endpoint without credentials, e.g. `unix:///var/run/docker.sock`. */
  endpoint: string;
}

/**
 * The configured Docker hosts and their dockerode clients. Other features
 * (one-click databases, container health checks) reach Docker only through
 * this, so they share the TLS settings and timeouts.
 */
export interface DockerHostRegistry {
  /** The configured hosts, in configuration order. */
  hosts(): readonly DockerHostEndpoint[];
  /** The client of a configured host; throws `DockerHostUnknownError` (404 DOCKER_HOST_UNKNOWN) for any other name. */
  client(name: string): Docker;
  /** The first configured host: where new things go when the operator does not say. */
  defaultHost(): string;
  /**
   * A client of the same host without the idle timeout `client()` has (a call
   * silent for DOCKER_TIMEOUT_MS is cut there): only connecting is bounded.
   * For streams that may stay quiet — followed logs, events, stats, an exec
   * fed through stdin, a long restore — bounded by the caller (`abortSignal`).
   * Optional, so test doubles need not provide it.
   */
  streamingClient?(name: string): Docker;
}
