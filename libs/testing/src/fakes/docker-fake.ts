import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
 * `DELETE /images/{name}`; a `/v1.xx` prefix is accepted on every path.
 */

type Json = Record<string, unknown>;

export interface DockerFakeImageConfig {
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
  memoryUsage?: number;
  memoryLimit?: number;
  pids?: number;
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
  /** Every request so far, in order. */
  readonly calls: readonly DockerFakeCall[];
  seedImage(options?: SeedImageOptions): DockerFakeImage;
  seedContainer(options: SeedContainerOptions): DockerFakeContainer;
  appendLogs(container: string, lines: DockerFakeLogLine[]): void;
  setStats(container: string, stats: DockerFakeStats): void;
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

function statusText(state: DockerFakeState): string {
  if (state.Running) return 'Up Less than a second';
  if (state.Status === 'created') return 'Created';
  return `Exited (${state.ExitCode}) Less than a second ago`;
}

export async function startDockerFake(options: StartDockerFakeOptions = {}): Promise<DockerFake> {
  const ownDir = options.socketPath ? undefined : await mkdtemp(join(tmpdir(), 'homelab-docker-'));
  const socketPath = options.socketPath ?? join(ownDir ?? tmpdir(), 'docker.sock');
  const apiVersion = options.apiVersion ?? API_VERSION;
  const images = new Map<string, DockerFakeImage>();
  const containers = new Map<string, DockerFakeContainer>();
  const logs = new Map<string, DockerFakeLogLine[]>();
  const followers = new Map<string, Set<(line: DockerFakeLogLine) => void>>();
  const stats = new Map<string, DockerFakeStats>();
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
      ...configBody,
      Image: imageRef,
      Env: mergeEnv(imageConfig.Env ?? [], (configBody['Env'] as string[] | undefined) ?? []),
      Cmd: cmd,
      Entrypoint: entrypoint,
      Labels: { ...(imageConfig.Labels ?? {}), ...((configBody['Labels'] as Record<string, string> | undefined) ?? {}) },
    };
    if (config.Hostname === '') config.Hostname = id.slice(0, 12);
    const hostConfig: Json = { ...clone(HOST_CONFIG_DEFAULTS), ...((hostConfigBody as Json | undefined) ?? {}) };
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
      Mounts: [],
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
    const settings = container.NetworkSettings;
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
    return true;
  };

  const stop = (container: DockerFakeContainer, exitCode: number): boolean => {
    if (!container.State.Running) return false;
    container.State = { ...container.State, Status: 'exited', Running: false, Pid: 0, ExitCode: exitCode, FinishedAt: now() };
    const settings = container.NetworkSettings;
    for (const ep of Object.values(settings.Networks)) Object.assign(ep, { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', DNSNames: null });
    Object.assign(settings, { SandboxID: '', SandboxKey: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' });
    return true;
  };

  const appendLogs = (ref: string, lines: DockerFakeLogLine[]): void => {
    const container = requireContainer(ref);
    const list = logs.get(container.Id) ?? [];
    for (const line of lines) {
      const entry = { ...line, time: line.time ?? now() };
      list.push(entry);
      for (const follower of followers.get(container.Id) ?? []) follower(entry);
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
    if (opts.hostConfig) body['HostConfig'] = opts.hostConfig;
    if (opts.endpoints) body['NetworkingConfig'] = { EndpointsConfig: opts.endpoints };
    const container = createContainer(body, opts.name);
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
    Ports: [],
    Labels: c.Config.Labels,
    State: c.State.Status,
    Status: statusText(c.State),
    HostConfig: { NetworkMode: c.HostConfig['NetworkMode'] },
    NetworkSettings: { Networks: clone(c.NetworkSettings.Networks) },
    Mounts: [],
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
    const onlineCpus = 2;
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
      blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
      num_procs: 0,
      storage_stats: {},
      cpu_stats: running ? cpu(baseTotal + cpuDelta, baseSystem + systemDelta) : cpu(0, 0),
      precpu_stats: running ? cpu(baseTotal, baseSystem) : cpu(0, 0),
      memory_stats: running
        ? { usage: wanted.memoryUsage ?? 12_582_912, stats: { inactive_file: 1_048_576, active_file: 524_288, anon: 8_388_608 }, limit: wanted.memoryLimit ?? 8_589_934_592 }
        : {},
      name: c.Name,
      id: c.Id,
      ...(running ? { networks: { eth0: { rx_bytes: 1_234, rx_packets: 12, rx_errors: 0, rx_dropped: 0, tx_bytes: 567, tx_packets: 6, tx_errors: 0, tx_dropped: 0 } } } : {}),
    };
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
    for (const line of lines) res.write(encode(line));
    if (!flag(query, 'follow')) {
      res.end();
      return;
    }
    const set = followers.get(c.Id) ?? new Set();
    const follower = (l: DockerFakeLogLine): void => {
      if ((l.stream === 'stdout' ? wantOut : wantErr)) res.write(encode(l));
    };
    set.add(follower);
    followers.set(c.Id, set);
    req.on('close', () => set.delete(follower));
  };

  const serveStats = (req: IncomingMessage, res: ServerResponse, c: DockerFakeContainer, query: URLSearchParams): void => {
    if (!flag(query, 'stream', true) || flag(query, 'one-shot')) return send(res, 200, statsPayload(c));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': apiVersion });
    const tick = (): void => {
      res.write(`${JSON.stringify(statsPayload(c))}\n`);
    };
    tick();
    const timer = setInterval(tick, 1000);
    req.on('close', () => clearInterval(timer));
  };

  const internals: DockerFakeInternals = {
    findContainer: (ref) => findContainer(ref),
    requireContainer: (ref) => requireContainer(ref),
    findImage: (ref) => findImage(ref),
    seedImage: (opts) => seedImage(opts),
    send: (res, status, body) => send(res, status, body),
    httpError: (status, message) => new HttpError(status, message),
    frame,
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
    if (method === 'GET' && path === '/containers/json') {
      const filters = query.get('filters') ? (JSON.parse(query.get('filters') ?? '{}') as Record<string, string[] | Record<string, boolean>>) : {};
      // the API accepts both {"name":["x"]} and the legacy {"name":{"x":true}}
      const normalised = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, Array.isArray(v) ? v : Object.keys(v)]));
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
      stop(container, 137);
      containers.delete(container.Id);
      logs.delete(container.Id);
      stats.delete(container.Id);
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
      } else if (action === 'kill') {
        if (!container.State.Running) throw new HttpError(409, `Cannot kill container: ${ref}: Container ${container.Id} is not running`);
        const signal = (query.get('signal') ?? 'SIGKILL').replace(/^SIG/, '');
        stop(container, signal === 'KILL' ? 137 : 143);
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

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });

  return {
    socketPath,
    calls,
    seedImage,
    seedContainer,
    appendLogs,
    setStats: (ref, value) => {
      stats.set(requireContainer(ref).Id, value);
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
}
