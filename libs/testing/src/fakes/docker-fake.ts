import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInExtensions } from './docker-fake-exec.js';

/**
 * A Docker Engine API on a unix socket, for dockerode (`new Docker({ socketPath })`)
 * and anything else that speaks the API. State lives in memory; payloads have
 * the shapes Docker 27 (API 1.47) returns, trimmed to the commonly read fields.
 * Endpoints: `/_ping`, `/version`, `/info`, `/containers/json`,
 * `/containers/create`, `/containers/{id}/json|start|stop|restart|kill|logs|stats`,
 * `DELETE /containers/{id}`, `/images/json`, `/images/{name}/json`,
 * `DELETE /images/{name}`, `/events` (streamed, with the events Docker emits
 * for create/start/stop/die/kill/restart/destroy/health_status); a `/v1.xx`
 * prefix is accepted on every path. With `tls` (or `tcp`) the same API is also
 * served on 127.0.0.1 over HTTPS (plain HTTP), as `dockerd -H tcp://…` does.
 */

type Json = Record<string, unknown>;

/** `Config.Healthcheck` (durations in nanoseconds, as the API has them). */
export interface DockerFakeHealthcheck {
  /** `["CMD", …]`, `["CMD-SHELL", "…"]` or `["NONE"]` (disabled). */
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export type DockerFakeHealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** `State.Health`: present only on containers with a health check. */
export interface DockerFakeHealth {
  Status: DockerFakeHealthStatus;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

export interface DockerFakeImageConfig {
  Healthcheck?: DockerFakeHealthcheck;
  Env?: string[];
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, Json>;
  Volumes?: Record<string, Json> | null;
}

/** `GET /images/{name}/json`. */
export interface DockerFakeImage {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Config: DockerFakeImageConfig;
  Architecture: string;
  Os: string;
  Size: number;
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface DockerFakeState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: DockerFakeHealth;
}

export interface DockerFakeEndpoint {
  IPAMConfig: Json | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

/** `GET /containers/{id}/json`. */
export interface DockerFakeContainer {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: DockerFakeState;
  /** Image ID (`sha256:…`) the container was created from. */
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: Json;
  GraphDriver: { Name: string; Data: Json | null };
  Mounts: Json[];
  Config: Json & { Image: string; Env: string[]; Labels: Record<string, string>; Hostname: string };
  NetworkSettings: {
    Bridge: string;
    SandboxID: string;
    SandboxKey: string;
    Ports: Json;
    HairpinMode: boolean;
    LinkLocalIPv6Address: string;
    LinkLocalIPv6PrefixLen: number;
    SecondaryIPAddresses: null;
    SecondaryIPv6Addresses: null;
    EndpointID: string;
    Gateway: string;
    GlobalIPv6Address: string;
    GlobalIPv6PrefixLen: number;
    IPAddress: string;
    IPPrefixLen: number;
    IPv6Gateway: string;
    MacAddress: string;
    Networks: Record<string, DockerFakeEndpoint>;
  };
}

export interface DockerFakeLogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  /** RFC 3339; defaults to the time it was added. */
  time?: string;
}

export interface DockerFakeStats {
  /** CPU use in percent as `docker stats` computes it. Default 0.5. */
  cpuPercent?: number;
  /** `memory_stats.usage` (page cache included). */
  memoryUsage?: number;
  memoryLimit?: number;
  /** `memory_stats.stats.inactive_file`: the cache `docker stats` subtracts. Default 1 MiB. */
  memoryInactiveFile?: number;
  pids?: number;
  onlineCpus?: number;
  /** Summed over two interfaces (eth0 gets two thirds). */
  networkRxBytes?: number;
  networkTxBytes?: number;
  /** `blkio_stats.io_service_bytes_recursive` read/write totals. */
  blockReadBytes?: number;
  blockWriteBytes?: number;
}

/** One message of `GET /events`, as Docker 27 sends it (with the legacy fields). */
export interface DockerFakeEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local' | 'swarm';
  time: number;
  timeNano: number;
}

export interface SeedImageOptions {
  /** e.g. `['nginx:1.27']`. */
  repoTags?: string[];
  /** e.g. `['nginx@sha256:…']`; one is made up from the first tag when omitted. */
  repoDigests?: string[];
  /** `sha256:<64 hex>`; random by default. */
  id?: string;
  config?: DockerFakeImageConfig;
}

export interface SeedContainerOptions {
  name: string;
  /** Image reference (tag, digest or id); an image with this tag is seeded when unknown. */
  image: string;
  env?: string[];
  cmd?: string[];
  labels?: Record<string, string>;
  hostConfig?: Json;
  /** `NetworkingConfig.EndpointsConfig`. */
  endpoints?: Record<string, Json>;
  /** Started after creation. Default true. */
  running?: boolean;
  tty?: boolean;
  logs?: DockerFakeLogLine[];
  stats?: DockerFakeStats;
  /** `Config.User`; default the image's. */
  user?: string;
  /** `Config.Healthcheck`; default the image's. */
  healthcheck?: DockerFakeHealthcheck;
  /** Health once started (needs a health check). Default `starting`. */
  health?: DockerFakeHealthStatus;
  /** `Config.ExposedPorts`, e.g. `['80/tcp']` (added to the image's). */
  exposedPorts?: string[];
}

export interface DockerFakeCall {
  method: string;
  /** Path without the `/v1.xx` prefix. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export interface DockerFakeFailure {
  method?: string;
  path: RegExp;
  status: number;
  message: string;
  /** How many matching requests fail. Default 1. */
  times?: number;
}

export interface DockerFakeSnapshot {
  containers: DockerFakeContainer[];
  images: DockerFakeImage[];
}

export interface DockerFake {
  readonly socketPath: string;
  /** `https://127.0.0.1:PORT` with `tls`, `http://127.0.0.1:PORT` with `tcp`, else undefined. */
  readonly httpUrl: string | undefined;
  /** Every event so far, oldest first. */
  readonly events: readonly DockerFakeEvent[];
  /** Every request so far, in order. */
  readonly calls: readonly DockerFakeCall[];
  seedImage(options?: SeedImageOptions): DockerFakeImage;
  seedContainer(options: SeedContainerOptions): DockerFakeContainer;
  appendLogs(container: string, lines: DockerFakeLogLine[]): void;
  setStats(container: string, stats: DockerFakeStats): void;
  /** Sets `State.Health` (as the health checker would) and emits `health_status: <status>`. */
  setHealth(container: string, status: DockerFakeHealthStatus, output?: string): void;
  /**
   * Removes a container as `docker rm -f` does; `silent` skips the events, as
   * if they had been missed (a container vanishing between list and action).
   */
  removeContainer(container: string, options?: { silent?: boolean }): void;
  /** Ends every open `GET /events` stream (a daemon restart or dropped connection); returns how many. */
  dropEventStreams(): number;
  /** Streams open right now: followed logs, streamed stats and event subscriptions. */
  openStreams(): { logs: number; stats: number; events: number };
  /** The next matching request(s) get this error instead. */
  failNext(failure: DockerFakeFailure): void;
  /** Deep copies of the current containers (inspect shape) and images. */
  state(): DockerFakeSnapshot;
  /** A container by id, id prefix or name, as `GET /containers/{id}/json` returns it. */
  inspect(container: string): DockerFakeContainer | undefined;
  close(): Promise<void>;
}

export interface StartDockerFakeOptions {
  /** Defaults to `docker.sock` in a fresh temp dir. */
  socketPath?: string;
  apiVersion?: string;
  /** More endpoints, consulted after the built-in extensions and before the built-in routes. */
  extensions?: DockerFakeExtension[];
  /**
   * Also serve the API over HTTPS on 127.0.0.1 (PEM strings; the certificate
   * must name 127.0.0.1). `requestCert`: demand a client certificate signed by `ca`,
   * as `dockerd --tlsverify` does.
   */
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean };
  /** Also serve the API over plain HTTP on 127.0.0.1 (like a socket proxy on :2375). Ignored with `tls`. */
  tcp?: boolean;
  /** How often a streamed `stats` sends a sample. Default 1000 (as Docker). */
  statsIntervalMs?: number;
}

/** One request, as an extension sees it. */
export interface DockerFakeRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Without the `/v1.xx` prefix. */
  path: string;
  query: URLSearchParams;
  body: Json;
}

/** The fake's state and helpers, for extensions that add endpoints (see docker-fake-exec.ts). */
export interface DockerFakeInternals {
  findContainer(ref: string): DockerFakeContainer | undefined;
  /** Throws the engine's 404 for an unknown container. */
  requireContainer(ref: string): DockerFakeContainer;
  findImage(ref: string): DockerFakeImage | undefined;
  seedImage(options?: SeedImageOptions): DockerFakeImage;
  send(res: ServerResponse, status: number, body?: unknown): void;
  /** An error the fake answers as `{ message }` with this status. */
  httpError(status: number, message: string): Error;
  /** Docker's multiplexed-stream frame (8-byte header) around `payload`. */
  frame(stream: 'stdout' | 'stderr', payload: Buffer): Buffer;
  /** Sends an event to the open `GET /events` streams whose filters match (and records it). */
  emitEvent(type: DockerFakeEvent['Type'], action: string, id: string, attributes?: Record<string, string>): void;
}

/**
 * Adds endpoints: returns the HTTP status it answered with, or undefined to
 * let the next extension or the built-in routes handle the request. It may
 * keep writing to `res` after returning (streams).
 */
export type DockerFakeExtension = (request: DockerFakeRequest, internals: DockerFakeInternals) => number | undefined;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const API_VERSION = '1.47';
const HOST_CONFIG_DEFAULTS: Json = {
  Binds: null,
  ContainerIDFile: '',
  LogConfig: { Type: 'json-file', Config: {} },
  NetworkMode: 'bridge',
  PortBindings: {},
  RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
  AutoRemove: false,
  VolumeDriver: '',
  VolumesFrom: null,
  ConsoleSize: [0, 0],
  CapAdd: null,
  CapDrop: null,
  CgroupnsMode: 'private',
  Dns: [],
  DnsOptions: [],
  DnsSearch: [],
  ExtraHosts: null,
  GroupAdd: null,
  IpcMode: 'private',
  Links: null,
  OomScoreAdj: 0,
  PidMode: '',
  Privileged: false,
  PublishAllPorts: false,
  ReadonlyRootfs: false,
  SecurityOpt: null,
  UTSMode: '',
  UsernsMode: '',
  ShmSize: 67108864,
  Runtime: 'runc',
  Isolation: '',
  CpuShares: 0,
  Memory: 0,
  NanoCpus: 0,
  Mounts: null,
};

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const clone = <T>(value: T): T => structuredClone(value);
const now = (): string => new Date().toISOString();

/** Docker's `ReplaceOrAppendEnvValues`: image entries first, container entries override by key. */
function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const result = [...base];
  const keyOf = (entry: string): string => entry.split('=')[0] ?? entry;
  for (const entry of overrides) {
    const index = result.findIndex((existing) => keyOf(existing) === keyOf(entry));
    if (index >= 0) result[index] = entry;
    else result.push(entry);
  }
  return result;
}

function normaliseTag(ref: string): string {
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

function frame(stream: 'stdout' | 'stderr', payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(stream === 'stdout' ? 1 : 2, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const HEALTH_SUFFIX: Record<DockerFakeHealthStatus, string> = { starting: ' (health: starting)', healthy: ' (healthy)', unhealthy: ' (unhealthy)' };

function statusText(state: DockerFakeState): string {
  if (state.Running) return `Up Less than a second${state.Health ? HEALTH_SUFFIX[state.Health.Status] : ''}`;
  if (state.Status === 'created') return 'Created';
  return `Exited (${state.ExitCode}) Less than a second ago`;
}

interface LogFollower {
  write(line: DockerFakeLogLine): void;
  end(): void;
}

interface EventSubscriber {
  res: ServerResponse;
  filters: Record<string, string[]>;
}

/** `{"name":["x"]}` or the legacy `{"name":{"x":true}}`, as the API accepts both. */
function parseFilters(raw: string | null): Record<string, string[]> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, `invalid filter '${raw}'`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new HttpError(400, `invalid filter '${raw}'`);
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : Object.keys((v as Record<string, unknown>) ?? {})]),
  );
}

/** Docker's events filter: `health_status`, `exec_create`, `exec_start` match by prefix (moby #25798), other actions exactly. */
function eventMatches(event: DockerFakeEvent, filters: Record<string, string[]>): boolean {
  const each = (key: string, test: (value: string) => boolean): boolean => {
    const values = filters[key];
    return !values || values.length === 0 || values.some(test);
  };
  const attributes = event.Actor.Attributes;
  return (
    each('type', (v) => v === event.Type) &&
    each('event', (v) => (['health_status', 'exec_create', 'exec_start'].includes(v) ? event.Action.startsWith(v) : v === event.Action)) &&
    each('container', (v) => event.Type === 'container' && (event.Actor.ID.startsWith(v) || attributes['name'] === v)) &&
    each('image', (v) => attributes['image'] === v) &&
    each('label', (v) => {
      const [key = '', value] = v.split('=', 2);
      return value === undefined ? key in attributes : attributes[key] === value;
    })
  );
}

/** `docker run -p`: the published ports of a started container, as `NetworkSettings.Ports` shows them. */
function publishedPorts(container: DockerFakeContainer): Json {
  const hostConfig = container.HostConfig;
  if (String(hostConfig['NetworkMode']) === 'host') return {};
  const bindings = (hostConfig['PortBindings'] as Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined) ?? {};
  const keys = new Set([...Object.keys((container.Config['ExposedPorts'] as Json | undefined) ?? {}), ...Object.keys(bindings)]);
  const ephemeral = (): string => String(32768 + Math.floor(Math.random() * 28000));
  const ports: Json = {};
  for (const key of keys) {
    const requested = bindings[key] ?? (hostConfig['PublishAllPorts'] === true ? [{ HostIp: '', HostPort: '' }] : null);
    if (!requested || requested.length === 0) {
      ports[key] = null;
      continue;
    }
    ports[key] = requested.flatMap(({ HostIp = '', HostPort = '' }) => {
      const hostPort = HostPort === '' ? ephemeral() : HostPort;
      // an empty HostIp binds every IPv4 and IPv6 address, and inspect lists both
      return HostIp === '' ? [{ HostIp: '0.0.0.0', HostPort: hostPort }, { HostIp: '::', HostPort: hostPort }] : [{ HostIp, HostPort: hostPort }];
    });
  }
  return ports;
}

/** `Mounts` of inspect and of the list, from `HostConfig.Binds` and `HostConfig.Mounts`. */
function mountsOf(hostConfig: Json): Json[] {
  const volume = (name: string, destination: string, readOnly: boolean, mode: string): Json => ({
    Type: 'volume',
    Name: name,
    Source: `/var/lib/docker/volumes/${name}/_data`,
    Destination: destination,
    Driver: 'local',
    Mode: mode,
    RW: !readOnly,
    Propagation: '',
  });
  const bind = (source: string, destination: string, readOnly: boolean, mode: string): Json => ({
    Type: 'bind',
    Source: source,
    Destination: destination,
    Mode: mode,
    RW: !readOnly,
    Propagation: 'rprivate',
  });
  const fromBinds = ((hostConfig['Binds'] as string[] | null | undefined) ?? []).map((entry) => {
    const [source = '', destination = '', mode = ''] = entry.split(':');
    const readOnly = mode.split(',').includes('ro');
    return source.startsWith('/') ? bind(source, destination, readOnly, mode) : volume(source, destination, readOnly, mode || 'z');
  });
  const fromMounts = ((hostConfig['Mounts'] as { Type?: string; Source?: string; Target?: string; ReadOnly?: boolean }[] | null | undefined) ?? []).map((m) =>
    m.Type === 'bind' ? bind(m.Source ?? '', m.Target ?? '', m.ReadOnly === true, '') : volume(m.Source ?? '', m.Target ?? '', m.ReadOnly === true, 'z'),
  );
  return [...fromBinds, ...fromMounts];
}

export async function startDockerFake(options: StartDockerFakeOptions = {}): Promise<DockerFake> {
  const ownDir = options.socketPath ? undefined : await mkdtemp(join(tmpdir(), 'homelab-docker-'));
  const socketPath = options.socketPath ?? join(ownDir ?? tmpdir(), 'docker.sock');
  const apiVersion = options.apiVersion ?? API_VERSION;
  const images = new Map<string, DockerFakeImage>();
  const containers = new Map<string, DockerFakeContainer>();
  const logs = new Map<string, DockerFakeLogLine[]>();
  const followers = new Map<string, Set<LogFollower>>();
  const stats = new Map<string, DockerFakeStats>();
  const statsStreams = new Map<string, Set<ServerResponse>>();
  const initialHealth = new Map<string, DockerFakeHealthStatus>();
  const eventLog: DockerFakeEvent[] = [];
  const eventStreams = new Set<EventSubscriber>();
  const statsIntervalMs = options.statsIntervalMs ?? 1000;
  const calls: DockerFakeCall[] = [];
  const failures: DockerFakeFailure[] = [];
  let nextIp = 2;

  // ---- images ----------------------------------------------------------------
  const seedImage = (opts: SeedImageOptions = {}): DockerFakeImage => {
    const id = opts.id ?? `sha256:${hex(32)}`;
    const repoTags = (opts.repoTags ?? []).map(normaliseTag);
    const repoDigests =
      opts.repoDigests ?? repoTags.slice(0, 1).map((tag) => `${tag.slice(0, tag.lastIndexOf(':'))}@sha256:${hex(32)}`);
    for (const other of images.values()) other.RepoTags = other.RepoTags.filter((tag) => !repoTags.includes(tag));
    const image: DockerFakeImage = {
      Id: id,
      RepoTags: repoTags,
      RepoDigests: repoDigests,
      Parent: '',
      Comment: '',
      Created: now(),
      Config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['/bin/sh'],
        Entrypoint: null,
        WorkingDir: '',
        User: '',
        Labels: null,
        ...opts.config,
      },
      Architecture: 'amd64',
      Os: 'linux',
      Size: 4_000_000 + Math.floor(Math.random() * 1_000_000),
      RootFS: { Type: 'layers', Layers: [`sha256:${hex(32)}`] },
      Metadata: { LastTagTime: now() },
    };
    images.set(id, image);
    return clone(image);
  };

  const findImage = (ref: string): DockerFakeImage | undefined => {
    const bare = ref.replace(/^sha256:/, '');
    if (/^[0-9a-f]{12,64}$/.test(bare)) {
      const byId = [...images.values()].find((image) => image.Id.slice(7).startsWith(bare));
      if (byId) return byId;
    }
    if (ref.includes('@')) return [...images.values()].find((image) => image.RepoDigests.includes(ref));
    const tag = normaliseTag(ref);
    return [...images.values()].find((image) => image.RepoTags.includes(tag));
  };

  const requireImage = (ref: string): DockerFakeImage => {
    const image = findImage(ref);
    if (!image) throw new HttpError(404, `No such image: ${ref}`);
    return image;
  };

  /** `DELETE /images/{name}`: like Docker, refuses an image a container uses unless forced. */
  const removeImage = (ref: string, force: boolean): Json[] => {
    const image = requireImage(ref);
    const user = [...containers.values()].find((c) => c.Image === image.Id);
    if (user && !force) {
      const state = user.State.Running ? 'running' : 'stopped';
      throw new HttpError(409, `conflict: unable to delete ${image.Id.slice(7, 19)} (must be forced) - image is being used by ${state} container ${user.Id.slice(0, 12)}`);
    }
    images.delete(image.Id);
    return [...image.RepoTags.map((tag) => ({ Untagged: tag })), ...image.RepoDigests.map((digest) => ({ Untagged: digest })), { Deleted: image.Id }];
  };

  // ---- containers -------------------------------------------------------------
  const findContainer = (ref: string): DockerFakeContainer | undefined => {
    const name = ref.startsWith('/') ? ref : `/${ref}`;
    const all = [...containers.values()];
    const exact = containers.get(ref) ?? all.find((c) => c.Name === name);
    if (exact) return exact;
    // like Docker: an unambiguous id prefix names a container
    const byPrefix = all.filter((c) => c.Id.startsWith(ref));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  };

  const requireContainer = (ref: string): DockerFakeContainer => {
    const container = findContainer(ref);
    if (!container) throw new HttpError(404, `No such container: ${ref}`);
    return container;
  };

  const endpoint = (networkName: string, config: Json): DockerFakeEndpoint => ({
    IPAMConfig: (config['IPAMConfig'] as Json | undefined) ?? null,
    Links: (config['Links'] as string[] | undefined) ?? null,
    Aliases: (config['Aliases'] as string[] | undefined) ?? null,
    MacAddress: '',
    DriverOpts: (config['DriverOpts'] as Record<string, string> | undefined) ?? null,
    NetworkID: `${Buffer.from(networkName).toString('hex').padEnd(64, '0').slice(0, 64)}`,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  });

  const createContainer = (body: Json, requestedName: string | undefined): DockerFakeContainer => {
    const imageRef = body['Image'];
    if (typeof imageRef !== 'string' || imageRef === '') throw new HttpError(400, 'No command specified');
    const image = requireImage(imageRef);
    if (requestedName !== undefined && !/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(requestedName)) {
      throw new HttpError(400, `Invalid container name (${requestedName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const id = hex(32);
    const name = `/${(requestedName ?? `fake_${hex(4)}`).replace(/^\//, '')}`;
    const clash = [...containers.values()].find((c) => c.Name === name);
    if (clash) {
      throw new HttpError(
        409,
        `Conflict. The container name "${name}" is already in use by container "${clash.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const { HostConfig: hostConfigBody, NetworkingConfig: networkingBody, name: _ignored, ...configBody } = body;
    const imageConfig = image.Config;
    const entrypoint = (configBody['Entrypoint'] as string[] | null | undefined) ?? imageConfig.Entrypoint ?? null;
    const cmd =
      (configBody['Cmd'] as string[] | null | undefined) ??
      (configBody['Entrypoint'] !== undefined && configBody['Entrypoint'] !== null ? null : (imageConfig.Cmd ?? null));
    const config = {
      Hostname: id.slice(0, 12),
      Domainname: '',
      User: imageConfig.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Volumes: imageConfig.Volumes ?? null,
      WorkingDir: imageConfig.WorkingDir ?? '',
      OnBuild: null,
      ...(imageConfig.ExposedPorts ? { ExposedPorts: imageConfig.ExposedPorts } : {}),
      ...(imageConfig.Healthcheck ? { Healthcheck: imageConfig.Healthcheck } : {}),
      ...configBody,
      Image: imageRef,
      Env: mergeEnv(imageConfig.Env ?? [], (configBody['Env'] as string[] | undefined) ?? []),
      Cmd: cmd,
      Entrypoint: entrypoint,
      Labels: { ...(imageConfig.Labels ?? {}), ...((configBody['Labels'] as Record<string, string> | undefined) ?? {}) },
    };
    if (config.Hostname === '') config.Hostname = id.slice(0, 12);
    const hostConfig: Json = { ...clone(HOST_CONFIG_DEFAULTS), ...((hostConfigBody as Json | undefined) ?? {}) };
    // publishing a port exposes it, as `docker run -p` does
    const published = Object.keys((hostConfig['PortBindings'] as Json | null | undefined) ?? {});
    if (published.length > 0) {
      Object.assign(config, { ExposedPorts: { ...((config['ExposedPorts'] as Json | undefined) ?? {}), ...Object.fromEntries(published.map((key) => [key, {}])) } });
    }
    if (hostConfig['NetworkMode'] === 'default' || !hostConfig['NetworkMode']) hostConfig['NetworkMode'] = 'bridge';
    const networkMode = String(hostConfig['NetworkMode']);
    const requested = ((networkingBody as Json | undefined)?.['EndpointsConfig'] as Record<string, Json> | undefined) ?? {};
    const networks: Record<string, DockerFakeEndpoint> = {};
    for (const [networkName, endpointConfig] of Object.entries(requested)) networks[networkName] = endpoint(networkName, endpointConfig ?? {});
    if (!networkMode.startsWith('container:') && !networks[networkMode]) networks[networkMode] = endpoint(networkMode, {});
    const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
    const container: DockerFakeContainer = {
      Id: id,
      Created: now(),
      Path: argv[0] ?? '',
      Args: argv.slice(1),
      State: {
        Status: 'created',
        Running: false,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: 0,
        ExitCode: 0,
        Error: '',
        StartedAt: ZERO_TIME,
        FinishedAt: ZERO_TIME,
      },
      Image: image.Id,
      ResolvConfPath: `/var/lib/docker/containers/${id}/resolv.conf`,
      HostnamePath: `/var/lib/docker/containers/${id}/hostname`,
      HostsPath: `/var/lib/docker/containers/${id}/hosts`,
      LogPath: `/var/lib/docker/containers/${id}/${id}-json.log`,
      Name: name,
      RestartCount: 0,
      Driver: 'overlay2',
      Platform: 'linux',
      MountLabel: '',
      ProcessLabel: '',
      AppArmorProfile: '',
      ExecIDs: null,
      HostConfig: hostConfig,
      GraphDriver: { Name: 'overlay2', Data: null },
      Mounts: mountsOf(hostConfig),
      Config: config,
      NetworkSettings: {
        Bridge: '',
        SandboxID: '',
        SandboxKey: '',
        Ports: {},
        HairpinMode: false,
        LinkLocalIPv6Address: '',
        LinkLocalIPv6PrefixLen: 0,
        SecondaryIPAddresses: null,
        SecondaryIPv6Addresses: null,
        EndpointID: '',
        Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        IPAddress: '',
        IPPrefixLen: 0,
        IPv6Gateway: '',
        MacAddress: '',
        Networks: networks,
      },
    };
    containers.set(id, container);
    logs.set(id, []);
    containerEvent(container, 'create');
    return container;
  };

  const start = (container: DockerFakeContainer): boolean => {
    if (container.State.Running) return false;
    container.State = {
      ...container.State,
      Status: 'running',
      Running: true,
      Pid: 1000 + Math.floor(Math.random() * 30_000),
      ExitCode: 0,
      StartedAt: now(),
    };
    const check = container.Config['Healthcheck'] as DockerFakeHealthcheck | undefined;
    if (check && check.Test.length > 0 && check.Test[0] !== 'NONE') {
      container.State.Health = { Status: initialHealth.get(container.Id) ?? 'starting', FailingStreak: 0, Log: [] };
      initialHealth.delete(container.Id);
    }
    const settings = container.NetworkSettings;
    settings.Ports = publishedPorts(container);
    settings.SandboxID = hex(32);
    settings.SandboxKey = `/var/run/docker/netns/${settings.SandboxID.slice(0, 12)}`;
    for (const [networkName, ep] of Object.entries(settings.Networks)) {
      if (networkName === 'host' || networkName === 'none') continue;
      const octet = nextIp++ % 250;
      ep.EndpointID = hex(32);
      ep.Gateway = '172.17.0.1';
      ep.IPAddress = `172.17.0.${octet + 2}`;
      ep.IPPrefixLen = 16;
      ep.MacAddress = `02:42:ac:11:00:${(octet + 2).toString(16).padStart(2, '0')}`;
      ep.DNSNames = networkName === 'bridge' ? null : [container.Name.slice(1), container.Id.slice(0, 12)];
    }
    const bridge = settings.Networks['bridge'];
    if (bridge) Object.assign(settings, { EndpointID: bridge.EndpointID, Gateway: bridge.Gateway, IPAddress: bridge.IPAddress, IPPrefixLen: 16, MacAddress: bridge.MacAddress });
    containerEvent(container, 'start');
    return true;
  };

  /**
   * Stops a running container with the events Docker emits: `kill` (with the
   * signal), `die` (with the exit code) and, for a graceful stop, `stop`.
   * Followed logs and streamed stats of the container end, as with Docker.
   */
  const stop = (container: DockerFakeContainer, exitCode: number, how: 'stop' | 'kill' = 'stop'): boolean => {
    if (!container.State.Running) return false;
    const startedAt = Date.parse(container.State.StartedAt);
    container.State = { ...container.State, Status: 'exited', Running: false, Pid: 0, ExitCode: exitCode, FinishedAt: now() };
    const settings = container.NetworkSettings;
    for (const ep of Object.values(settings.Networks)) Object.assign(ep, { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', DNSNames: null });
    Object.assign(settings, { SandboxID: '', SandboxKey: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', Ports: {} });
    containerEvent(container, 'kill', { signal: exitCode === 137 ? '9' : '15' });
    containerEvent(container, 'die', { exitCode: String(exitCode), execDuration: String(Math.max(0, Math.round((Date.now() - startedAt) / 1000))) });
    if (how === 'stop') containerEvent(container, 'stop');
    endStreams(container.Id);
    return true;
  };

  const endStreams = (id: string): void => {
    for (const follower of followers.get(id) ?? []) follower.end();
    followers.delete(id);
    for (const res of statsStreams.get(id) ?? []) res.end();
    statsStreams.delete(id);
  };

  /** `docker rm [-f]`: kills a running container first, then `destroy`. */
  const remove = (container: DockerFakeContainer, silent = false): void => {
    if (silent) {
      endStreams(container.Id);
    } else {
      stop(container, 137, 'kill');
      containerEvent(container, 'destroy');
    }
    containers.delete(container.Id);
    logs.delete(container.Id);
    stats.delete(container.Id);
    initialHealth.delete(container.Id);
  };

  // ---- events -------------------------------------------------------------------
  const emitEvent = (type: DockerFakeEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): void => {
    const nanos = BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
    const event: DockerFakeEvent = {
      ...(type === 'container' || type === 'image' ? { status: action, id, ...(attributes['image'] ? { from: attributes['image'] } : {}) } : {}),
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nanos / 1_000_000_000n),
      timeNano: Number(nanos),
    };
    eventLog.push(event);
    const line = `${JSON.stringify(event)}\n`;
    for (const subscriber of eventStreams) if (eventMatches(event, subscriber.filters)) subscriber.res.write(line);
  };

  /** Container events carry the image, the name and every label as attributes. */
  const containerEvent = (container: DockerFakeContainer, action: string, extra: Record<string, string> = {}): void => {
    emitEvent('container', action, container.Id, { ...container.Config.Labels, image: container.Config.Image, name: container.Name.slice(1), ...extra });
  };

  const setHealth = (ref: string, status: DockerFakeHealthStatus, output = ''): void => {
    const container = requireContainer(ref);
    const health = container.State.Health;
    if (!health) throw new Error(`container ${ref} has no health check (or is not running)`);
    const at = now();
    health.Status = status;
    health.FailingStreak = status === 'unhealthy' ? health.FailingStreak + 1 : 0;
    health.Log = [...health.Log, { Start: at, End: at, ExitCode: status === 'unhealthy' ? 1 : 0, Output: output }].slice(-5);
    containerEvent(container, `health_status: ${status}`);
  };

  const appendLogs = (ref: string, lines: DockerFakeLogLine[]): void => {
    const container = requireContainer(ref);
    const list = logs.get(container.Id) ?? [];
    for (const line of lines) {
      const entry = { ...line, time: line.time ?? now() };
      list.push(entry);
      for (const follower of followers.get(container.Id) ?? []) follower.write(entry);
    }
    logs.set(container.Id, list);
  };

  const seedContainer = (opts: SeedContainerOptions): DockerFakeContainer => {
    if (!findImage(opts.image)) seedImage({ repoTags: [opts.image] });
    const body: Json = { Image: opts.image };
    if (opts.env) body['Env'] = opts.env;
    if (opts.cmd) body['Cmd'] = opts.cmd;
    if (opts.labels) body['Labels'] = opts.labels;
    if (opts.tty !== undefined) body['Tty'] = opts.tty;
    if (opts.user !== undefined) body['User'] = opts.user;
    if (opts.healthcheck) body['Healthcheck'] = opts.healthcheck;
    if (opts.exposedPorts) {
      const fromImage = findImage(opts.image)?.Config.ExposedPorts ?? {};
      body['ExposedPorts'] = { ...fromImage, ...Object.fromEntries(opts.exposedPorts.map((key) => [key, {}])) };
    }
    if (opts.hostConfig) body['HostConfig'] = opts.hostConfig;
    if (opts.endpoints) body['NetworkingConfig'] = { EndpointsConfig: opts.endpoints };
    const container = createContainer(body, opts.name);
    if (opts.health) initialHealth.set(container.Id, opts.health);
    if (opts.running !== false) start(container);
    if (opts.logs) appendLogs(container.Id, opts.logs);
    if (opts.stats) stats.set(container.Id, opts.stats);
    return clone(container);
  };

  // ---- payloads -----------------------------------------------------------------
  const summary = (c: DockerFakeContainer): Json => ({
    Id: c.Id,
    Names: [c.Name],
    Image: c.Config.Image,
    ImageID: c.Image,
    Command: [c.Path, ...c.Args].filter(Boolean).join(' '),
    Created: Math.floor(Date.parse(c.Created) / 1000),
    Ports: summaryPorts(c),
    Labels: c.Config.Labels,
    State: c.State.Status,
    Status: statusText(c.State),
    HostConfig: { NetworkMode: c.HostConfig['NetworkMode'] },
    NetworkSettings: { Networks: clone(c.NetworkSettings.Networks) },
    Mounts: clone(c.Mounts),
  });

  /** The list's `Ports`: one entry per binding, and one without `IP`/`PublicPort` per exposed, unpublished port. */
  const summaryPorts = (c: DockerFakeContainer): Json[] =>
    Object.entries(c.NetworkSettings.Ports as Record<string, { HostIp: string; HostPort: string }[] | null>).flatMap(([key, bindings]) => {
      const [port = '0', type = 'tcp'] = key.split('/');
      if (!bindings) return [{ PrivatePort: Number(port), Type: type }];
      return bindings.map((b) => ({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type }));
    });

  const matchesFilters = (c: DockerFakeContainer, filters: Record<string, string[]>): boolean => {
    const each = (key: string, test: (value: string) => boolean): boolean => {
      const values = filters[key];
      return !values || values.length === 0 || values.some(test);
    };
    return (
      each('name', (v) => c.Name.slice(1).includes(v.replace(/^\//, ''))) &&
      each('id', (v) => c.Id.startsWith(v)) &&
      each('status', (v) => c.State.Status === v) &&
      each('ancestor', (v) => findImage(v)?.Id === c.Image) &&
      each('label', (v) => {
        const [key = '', value] = v.split('=', 2);
        return value === undefined ? key in c.Config.Labels : c.Config.Labels[key] === value;
      })
    );
  };

  const statsPayload = (c: DockerFakeContainer): Json => {
    const wanted = stats.get(c.Id) ?? {};
    const running = c.State.Running;
    const onlineCpus = wanted.onlineCpus ?? 2;
    const systemDelta = 2_000_000_000;
    const cpuDelta = running ? Math.round((((wanted.cpuPercent ?? 0.5) / 100) * systemDelta) / onlineCpus) : 0;
    const baseTotal = 9_000_000_000;
    const baseSystem = 500_000_000_000_000;
    const cpu = (total: number, system: number): Json => ({
      cpu_usage: { total_usage: total, usage_in_kernelmode: Math.floor(total / 4), usage_in_usermode: Math.floor((total * 3) / 4) },
      system_cpu_usage: system,
      online_cpus: onlineCpus,
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
    });
    const read = new Date();
    return {
      read: running ? read.toISOString() : ZERO_TIME,
      preread: running ? new Date(read.getTime() - 1000).toISOString() : ZERO_TIME,
      pids_stats: running ? { current: wanted.pids ?? 3, limit: 4_194_304 } : {},
      blkio_stats: {
        io_service_bytes_recursive: running
          ? [
              { major: 254, minor: 0, op: 'read', value: wanted.blockReadBytes ?? 4096 },
              { major: 254, minor: 0, op: 'write', value: wanted.blockWriteBytes ?? 8192 },
            ]
          : null,
        io_serviced_recursive: null,
        io_queue_recursive: null,
        io_service_time_recursive: null,
        io_wait_time_recursive: null,
        io_merged_recursive: null,
        io_time_recursive: null,
        sectors_recursive: null,
      },
      num_procs: 0,
      storage_stats: {},
      cpu_stats: running ? cpu(baseTotal + cpuDelta, baseSystem + systemDelta) : cpu(0, 0),
      precpu_stats: running ? cpu(baseTotal, baseSystem) : cpu(0, 0),
      memory_stats: running
        ? {
            usage: wanted.memoryUsage ?? 12_582_912,
            // cgroup v2 keys, as Docker 27 on a current kernel reports them
            stats: { anon: 8_388_608, file: 2_097_152, active_file: 524_288, inactive_file: wanted.memoryInactiveFile ?? 1_048_576, pgfault: 4_000, pgmajfault: 12 },
            limit: wanted.memoryLimit ?? 8_589_934_592,
          }
        : {},
      name: c.Name,
      id: c.Id,
      ...(running ? { networks: networksPayload(wanted.networkRxBytes ?? 1_234, wanted.networkTxBytes ?? 567) } : {}),
    };
  };

  const networksPayload = (rx: number, tx: number): Json => {
    const iface = (rxBytes: number, txBytes: number): Json => ({
      rx_bytes: rxBytes,
      rx_packets: Math.ceil(rxBytes / 100),
      rx_errors: 0,
      rx_dropped: 0,
      tx_bytes: txBytes,
      tx_packets: Math.ceil(txBytes / 100),
      tx_errors: 0,
      tx_dropped: 0,
    });
    const rx0 = Math.round((rx * 2) / 3);
    const tx0 = Math.round((tx * 2) / 3);
    return { eth0: iface(rx0, tx0), eth1: iface(rx - rx0, tx - tx0) };
  };

  // ---- HTTP ---------------------------------------------------------------------
  const send = (res: ServerResponse, status: number, body?: unknown): void => {
    if (body === undefined) {
      res.writeHead(status, { 'Api-Version': apiVersion });
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': apiVersion, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const flag = (query: URLSearchParams, key: string, fallback = false): boolean => {
    const value = query.get(key);
    if (value === null) return fallback;
    return value === '1' || value === 'true' || value === 'True';
  };

  const serveLogs = (req: IncomingMessage, res: ServerResponse, c: DockerFakeContainer, query: URLSearchParams): void => {
    const wantOut = flag(query, 'stdout');
    const wantErr = flag(query, 'stderr');
    if (!wantOut && !wantErr) throw new HttpError(400, 'Bad parameters: you must choose at least one stream');
    const timestamps = flag(query, 'timestamps');
    const tty = c.Config['Tty'] === true;
    const tail = query.get('tail');
    let lines = (logs.get(c.Id) ?? []).filter((l) => (l.stream === 'stdout' ? wantOut : wantErr));
    if (tail && tail !== 'all') lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    const encode = (l: DockerFakeLogLine): Buffer => {
      const payload = Buffer.from(`${timestamps ? `${l.time} ` : ''}${l.line}\n`);
      return tty ? payload : frame(l.stream, payload);
    };
    res.writeHead(200, {
      'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
      'Api-Version': apiVersion,
    });
    // like the daemon: the headers go out at once, even when there is nothing to send yet
    res.flushHeaders();
    for (const line of lines) res.write(encode(line));
    if (!flag(query, 'follow')) {
      res.end();
      return;
    }
    // like Docker, following a stopped container returns what there is and ends
    if (!c.State.Running) {
      res.end();
      return;
    }
    const set = followers.get(c.Id) ?? new Set();
    const follower: LogFollower = {
      write: (l) => {
        if (l.stream === 'stdout' ? wantOut : wantErr) res.write(encode(l));
      },
      end: () => res.end(),
    };
    set.add(follower);
    followers.set(c.Id, set);
    // the request's 'close' fires once its body is read; the response's when the client goes
    res.on('close', () => set.delete(follower));
  };

  const serveStats = (req: IncomingMessage, res: ServerResponse, c: DockerFakeContainer, query: URLSearchParams): void => {
    if (!flag(query, 'stream', true) || flag(query, 'one-shot')) return send(res, 200, statsPayload(c));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': apiVersion });
    const tick = (): void => {
      res.write(`${JSON.stringify(statsPayload(c))}\n`);
    };
    tick();
    if (!c.State.Running) return;
    const timer = setInterval(tick, statsIntervalMs);
    const set = statsStreams.get(c.Id) ?? new Set();
    set.add(res);
    statsStreams.set(c.Id, set);
    const done = (): void => {
      clearInterval(timer);
      set.delete(res);
    };
    res.on('close', done);
  };

  /** `GET /events`: replays from `since`, ends at `until`, else streams until the client goes. */
  const serveEvents = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void => {
    const filters = parseFilters(query.get('filters'));
    const seconds = (key: string): number | undefined => (query.get(key) ? Number(query.get(key)) : undefined);
    const since = seconds('since');
    const until = seconds('until');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': apiVersion, 'Docker-Experimental': 'false', Server: 'Docker/27.3.1 (linux)' });
    res.flushHeaders();
    const inRange = (e: DockerFakeEvent): boolean => (since === undefined || e.time >= since) && (until === undefined || e.time <= until);
    if (since !== undefined) for (const event of eventLog) if (inRange(event) && eventMatches(event, filters)) res.write(`${JSON.stringify(event)}\n`);
    if (until !== undefined && until <= Date.now() / 1000) {
      res.end();
      return;
    }
    const subscriber: EventSubscriber = { res, filters };
    eventStreams.add(subscriber);
    res.on('close', () => eventStreams.delete(subscriber));
  };

  const internals: DockerFakeInternals = {
    findContainer: (ref) => findContainer(ref),
    requireContainer: (ref) => requireContainer(ref),
    findImage: (ref) => findImage(ref),
    seedImage: (opts) => seedImage(opts),
    send: (res, status, body) => send(res, status, body),
    httpError: (status, message) => new HttpError(status, message),
    frame,
    emitEvent,
  };
  const extensions: DockerFakeExtension[] = [...builtInExtensions, ...(options.extensions ?? [])];

  const route = (req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams, body: Json): number => {
    for (const extension of extensions) {
      const status = extension({ req, res, method, path, query, body }, internals);
      if (status !== undefined) return status;
    }
    if ((method === 'GET' || method === 'HEAD') && path === '/_ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Api-Version': apiVersion, 'Docker-Experimental': 'false', Ostype: 'linux', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' });
      res.end(method === 'HEAD' ? undefined : 'OK');
      return 200;
    }
    if (method === 'GET' && path === '/version') {
      send(res, 200, {
        Platform: { Name: 'Docker Engine - Community (homelab fake)' },
        Components: [{ Name: 'Engine', Version: '27.3.1', Details: { ApiVersion: apiVersion, MinAPIVersion: '1.24', Os: 'linux', Arch: 'amd64' } }],
        Version: '27.3.1',
        ApiVersion: apiVersion,
        MinAPIVersion: '1.24',
        GitCommit: 'fake',
        GoVersion: 'go1.22.7',
        Os: 'linux',
        Arch: 'amd64',
        KernelVersion: '6.1.0-fake',
        BuildTime: '2024-09-20T11:41:11.000000000+00:00',
      });
      return 200;
    }
    if (method === 'GET' && path === '/info') {
      const all = [...containers.values()];
      send(res, 200, {
        ID: 'FAKE:0000',
        Containers: all.length,
        ContainersRunning: all.filter((c) => c.State.Running).length,
        ContainersPaused: 0,
        ContainersStopped: all.filter((c) => !c.State.Running).length,
        Images: images.size,
        Driver: 'overlay2',
        Name: 'homelab-fake',
        ServerVersion: '27.3.1',
        OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
        OSType: 'linux',
        Architecture: 'x86_64',
        NCPU: 2,
        MemTotal: 8_589_934_592,
      });
      return 200;
    }
    if (method === 'GET' && path === '/events') {
      serveEvents(req, res, query);
      return 200;
    }
    if (method === 'GET' && path === '/containers/json') {
      const normalised = parseFilters(query.get('filters'));
      const all = flag(query, 'all');
      const list = [...containers.values()]
        .filter((c) => all || c.State.Running)
        .filter((c) => matchesFilters(c, normalised))
        .sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created))
        .map(summary);
      send(res, 200, list);
      return 200;
    }
    if (method === 'POST' && path === '/containers/create') {
      const container = createContainer(body, query.get('name') ?? undefined);
      send(res, 201, { Id: container.Id, Warnings: [] });
      return 201;
    }
    if (method === 'GET' && path === '/images/json') {
      send(
        res,
        200,
        [...images.values()].map((image) => ({
          Id: image.Id,
          ParentId: image.Parent,
          RepoTags: image.RepoTags,
          RepoDigests: image.RepoDigests,
          Created: Math.floor(Date.parse(image.Created) / 1000),
          Size: image.Size,
          SharedSize: -1,
          Labels: image.Config.Labels ?? null,
          Containers: -1,
        })),
      );
      return 200;
    }
    const imageMatch = /^\/images\/(.+)\/json$/.exec(path);
    if (method === 'GET' && imageMatch?.[1]) {
      send(res, 200, clone(requireImage(decodeURIComponent(imageMatch[1]))));
      return 200;
    }
    const imageDelete = /^\/images\/(.+)$/.exec(path);
    if (method === 'DELETE' && imageDelete?.[1]) {
      send(res, 200, removeImage(decodeURIComponent(imageDelete[1]), flag(query, 'force')));
      return 200;
    }
    const containerMatch = /^\/containers\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (!containerMatch?.[1]) throw new HttpError(404, 'page not found');
    const ref = decodeURIComponent(containerMatch[1]);
    const action = containerMatch[2];
    const container = requireContainer(ref);
    if (method === 'GET' && action === 'json') {
      send(res, 200, clone(container));
      return 200;
    }
    if (method === 'GET' && action === 'logs') {
      serveLogs(req, res, container, query);
      return 200;
    }
    if (method === 'GET' && action === 'stats') {
      serveStats(req, res, container, query);
      return 200;
    }
    if (method === 'DELETE' && action === undefined) {
      if (container.State.Running && !flag(query, 'force')) {
        throw new HttpError(409, `You cannot remove a running container ${container.Id}. Stop the container before attempting removal or force remove`);
      }
      remove(container);
      send(res, 204);
      return 204;
    }
    if (method === 'POST') {
      let status = 204;
      if (action === 'start') status = start(container) ? 204 : 304;
      else if (action === 'stop') status = stop(container, 0) ? 204 : 304;
      else if (action === 'restart') {
        stop(container, 0);
        start(container);
        containerEvent(container, 'restart');
      } else if (action === 'kill') {
        if (!container.State.Running) throw new HttpError(409, `Cannot kill container: ${ref}: Container ${container.Id} is not running`);
        const signal = (query.get('signal') ?? 'SIGKILL').replace(/^SIG/, '');
        stop(container, signal === 'KILL' ? 137 : 143, 'kill');
      } else throw new HttpError(404, 'page not found');
      send(res, status);
      return status;
    }
    throw new HttpError(404, 'page not found');
  };

  const takeFailure = (method: string, path: string): DockerFakeFailure | undefined => {
    const index = failures.findIndex((f) => (!f.method || f.method === method) && f.path.test(path));
    if (index < 0) return undefined;
    const failure = failures[index] as DockerFakeFailure;
    const left = (failure.times ?? 1) - 1;
    if (left <= 0) failures.splice(index, 1);
    else failure.times = left;
    return failure;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://docker.invalid');
    const path = url.pathname.replace(/^\/v[0-9.]+(?=\/)/, '');
    const method = req.method ?? 'GET';
    const text = Buffer.concat(chunks).toString('utf8');
    const call: DockerFakeCall = { method, path, query: Object.fromEntries(url.searchParams), body: undefined, status: 0 };
    calls.push(call);
    try {
      call.body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      call.status = 400;
      return send(res, 400, { message: 'invalid JSON body' });
    }
    try {
      const failure = takeFailure(method, path);
      if (failure) throw new HttpError(failure.status, failure.message);
      const body = typeof call.body === 'object' && call.body !== null ? (call.body as Json) : {};
      call.status = route(req, res, method, path, url.searchParams, body);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      call.status = status;
      send(res, status, { message: error instanceof Error ? error.message : String(error) });
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => void handle(req, res);
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  const tcpServer: Server | undefined = options.tls
    ? createHttpsServer(
        { cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca, requestCert: options.tls.requestCert === true, rejectUnauthorized: options.tls.requestCert === true },
        listener,
      )
    : options.tcp
      ? createServer(listener)
      : undefined;
  let httpUrl: string | undefined;
  if (tcpServer) {
    await new Promise<void>((resolve, reject) => {
      tcpServer.once('error', reject);
      tcpServer.listen(0, '127.0.0.1', () => resolve());
    });
    httpUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(tcpServer.address() as AddressInfo).port}`;
  }
  const closeServer = async (s: Server): Promise<void> => {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  return {
    socketPath,
    httpUrl,
    events: eventLog,
    calls,
    seedImage,
    seedContainer,
    appendLogs,
    setStats: (ref, value) => {
      stats.set(requireContainer(ref).Id, value);
    },
    setHealth,
    removeContainer: (ref, opts) => remove(requireContainer(ref), opts?.silent === true),
    openStreams: () => ({
      logs: [...followers.values()].reduce((n, set) => n + set.size, 0),
      stats: [...statsStreams.values()].reduce((n, set) => n + set.size, 0),
      events: eventStreams.size,
    }),
    dropEventStreams: () => {
      const count = eventStreams.size;
      for (const subscriber of eventStreams) subscriber.res.destroy();
      eventStreams.clear();
      return count;
    },
    failNext: (failure) => {
      failures.push({ ...failure });
    },
    state: () => ({ containers: [...containers.values()].map(clone), images: [...images.values()].map(clone) }),
    inspect: (ref) => {
      const container = findContainer(ref);
      return container ? clone(container) : undefined;
    },
    close: async () => {
      for (const subscriber of eventStreams) subscriber.res.destroy();
      eventStreams.clear();
      await Promise.all([closeServer(server), ...(tcpServer ? [closeServer(tcpServer)] : [])]);
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
}
