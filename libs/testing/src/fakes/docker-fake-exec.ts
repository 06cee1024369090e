import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, Readable, Writable, type Duplex } from 'node:stream';
import type {
  DockerFake,
  DockerFakeContainer,
  DockerFakeExtension,
  DockerFakeHealth,
  DockerFakeHealthcheck,
  DockerFakeHealthStatus,
  DockerFakeInternals,
  DockerFakeRequest,
} from './docker-fake.js';

/**
 * Endpoints of the Docker fake beyond containers and images, with the payload
 * shapes of Docker 27 (API 1.47):
 * - exec: `POST /containers/{id}/exec`, `POST /exec/{id}/start` (multiplexed
 *   stdout/stderr frames; with `Upgrade: tcp` the connection is hijacked the
 *   way dockerd does it — `101 UPGRADED`, then stdin flows in raw and frames
 *   flow out), `GET /exec/{id}/json`;
 * - volumes: `POST /volumes/create`, `GET /volumes`, `GET|DELETE /volumes/{name}`
 *   (named volumes a container create mounts are created on the fly, as dockerd does);
 * - pulls: `POST /images/create?fromImage=&tag=` (progress JSON lines, then the image exists);
 * - health (opt-in, {@link DockerFakeEngine.simulateHealth}): the `Healthcheck`
 *   of a running container runs like any exec and drives `State.Health`.
 *
 * What an exec does is up to the test: a scripted handler by default, or —
 * TEST ONLY, opt-in per container — a real process on this machine
 * ({@link DockerFakeEngine.runOnHost}).
 */

type Json = Record<string, unknown>;

/** What a scripted exec (or health check) is asked to do. */
export interface DockerFakeExecRequest {
  /** The container, as `GET /containers/{id}/json` shows it. */
  container: DockerFakeContainer;
  cmd: string[];
  /** The container's Env with the exec's Env on top. */
  env: string[];
  user: string;
  workingDir: string;
  /** Everything the client wrote to stdin (hijacked connections only). */
  stdin: Buffer | undefined;
  purpose: 'exec' | 'healthcheck';
}

export interface DockerFakeExecResult {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  /** Default 0. */
  exitCode?: number;
}

export type DockerFakeExecHandler = (request: DockerFakeExecRequest) => DockerFakeExecResult | Promise<DockerFakeExecResult>;

/** TEST ONLY: how a container's execs run as real processes on this machine. */
export interface DockerFakeHostProcessOptions {
  /** Set on top of the container's and the exec's Env, e.g. `{ PGHOST: '127.0.0.1' }`. */
  env?: Record<string, string>;
  cwd?: string;
  /** The process is killed after this long (exit code 137). Default 60 s. */
  timeoutMs?: number;
}

/** One exec instance, for assertions. */
export interface DockerFakeExecRecord {
  id: string;
  containerId: string;
  containerName: string;
  cmd: string[];
  env: string[];
  user: string;
  attachStdin: boolean;
  tty: boolean;
  mode: 'script' | 'host';
  running: boolean;
  /** null until it finished. */
  exitCode: number | null;
  stdinBytes: number;
  stdoutBytes: number;
}

/** `GET /volumes/{name}`. */
export interface DockerFakeVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string>;
}

export interface DockerFakeHealthOptions {
  /** Default true. */
  enabled?: boolean;
  /** Pause between two probes of one container (the fake's `Interval`). Default 50 ms. */
  intervalMs?: number;
}

/** The test's handle on a fake's exec, volumes, pulls and health checks. */
export interface DockerFakeEngine {
  /** Scripted behaviour of every exec and health check not running on the host. */
  onExec(handler: DockerFakeExecHandler): void;
  /**
   * TEST ONLY: execs and health checks of the container named `container`
   * (or matching the predicate) run as real processes on this machine, with
   * the container's Env, the exec's Env and `options.env` (the host's PATH is
   * kept: the container's names directories inside the image).
   */
  runOnHost(container: string | ((container: DockerFakeContainer) => boolean), options?: DockerFakeHostProcessOptions): void;
  /** Every exec so far, oldest first. */
  readonly execs: readonly DockerFakeExecRecord[];
  volumes(): DockerFakeVolume[];
  seedVolume(name: string, labels?: Record<string, string>): DockerFakeVolume;
  /** Pulls of `image` (e.g. `nope:1.0`) fail like a registry that does not know it. */
  refusePull(image: string, message?: string): void;
  /**
   * Runs the health checks of running containers (their `Healthcheck.Test`,
   * as an exec: scripted or on the host) whenever they are inspected, and
   * keeps `State.Health` as dockerd would — instead of the test setting it.
   */
  simulateHealth(options?: DockerFakeHealthOptions): void;
}

interface ExecInstance {
  record: DockerFakeExecRecord;
  workingDir: string;
  started: boolean;
  pid: number;
}

type HealthLogEntry = DockerFakeHealth['Log'][number];

interface HealthState {
  /** The container start this state belongs to: a restart begins again at `starting`. */
  containerStartedAt: string;
  status: DockerFakeHealthStatus;
  failingStreak: number;
  log: HealthLogEntry[];
  probing: boolean;
  lastProbeAt: number;
}

interface HostRule {
  match: (container: DockerFakeContainer) => boolean;
  options: DockerFakeHostProcessOptions;
}

interface EngineState {
  handler: DockerFakeExecHandler;
  hostRules: HostRule[];
  execs: Map<string, ExecInstance>;
  records: DockerFakeExecRecord[];
  volumes: Map<string, DockerFakeVolume>;
  /** Container name → named volumes it mounts, for "volume is in use". */
  volumeUsers: Map<string, string[]>;
  refusedPulls: Map<string, string>;
  healthEnabled: boolean;
  healthIntervalMs: number;
  health: Map<string, HealthState>;
  sockets: Set<Duplex>;
}

type OutputSink = (stream: 'stdout' | 'stderr', chunk: Buffer) => boolean;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const now = (): string => new Date().toISOString();
const DEFAULT_HOST_TIMEOUT_MS = 60_000;
const HEALTH_LOG_ENTRIES = 5;

const noHandler: DockerFakeExecHandler = ({ cmd }) => ({
  exitCode: 126,
  stderr: `docker fake: no exec handler for ${JSON.stringify(cmd)} (call dockerFakeEngine(fake).onExec)\n`,
});

// ---- state per fake ----------------------------------------------------------------------
// The test knows a fake by its socket path, an extension by its internals
// (shared by the fake's unix socket and TCP listeners): both lead here.

const statesByPath = new Map<string, EngineState>();
const statesByInternals = new WeakMap<DockerFakeInternals, EngineState>();
const bridgedServers = new WeakSet<Server>();
/** Requests re-dispatched by the upgrade bridge, with the hijacked socket they came on. */
const hijacked = new WeakMap<object, { socket: Duplex; res: ServerResponse }>();

function newState(): EngineState {
  return {
    handler: noHandler,
    hostRules: [],
    execs: new Map(),
    records: [],
    volumes: new Map(),
    volumeUsers: new Map(),
    refusedPulls: new Map(),
    healthEnabled: false,
    healthIntervalMs: 50,
    health: new Map(),
    sockets: new Set(),
  };
}

function stateForPath(socketPath: string): EngineState {
  let state = statesByPath.get(socketPath);
  if (!state) {
    state = newState();
    statesByPath.set(socketPath, state);
  }
  return state;
}

/** The http.Server a request arrived at (net sets `socket.server` on accepted connections). */
function serverOf(req: IncomingMessage): Server | undefined {
  return (req.socket as (Socket & { server?: Server }) | null)?.server;
}

function stateOfRequest(req: IncomingMessage, internals: DockerFakeInternals): EngineState {
  const server = serverOf(req);
  const address = server?.address();
  let state = statesByInternals.get(internals);
  if (typeof address === 'string') {
    state = stateForPath(address);
    statesByInternals.set(internals, state);
  } else if (!state) {
    state = newState();
    statesByInternals.set(internals, state);
  }
  if (server && !bridgedServers.has(server)) bridge(server, state, typeof address === 'string' ? address : undefined);
  return state;
}

function bridge(server: Server, state: EngineState, socketPath: string | undefined): void {
  bridgedServers.add(server);
  installUpgradeBridge(server);
  if (socketPath) server.once('close', () => statesByPath.delete(socketPath));
  // hijacked connections are no longer HTTP connections, so closeAllConnections()
  // misses them and close() would wait for them: end them with the fake
  const originalClose = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    for (const socket of state.sockets) socket.destroy();
    return originalClose(callback);
  }) as Server['close'];
}

/** The test's handle on a fake's exec, volumes, pulls and health checks. */
export function dockerFakeEngine(fake: Pick<DockerFake, 'socketPath'>): DockerFakeEngine {
  const state = stateForPath(fake.socketPath);
  return {
    onExec: (handler) => {
      state.handler = handler;
    },
    runOnHost: (container, options = {}) => {
      const match = typeof container === 'string' ? (c: DockerFakeContainer) => c.Name === `/${container.replace(/^\//, '')}` : container;
      state.hostRules.push({ match, options });
    },
    get execs() {
      return state.records;
    },
    volumes: () => [...state.volumes.values()].map((v) => structuredClone(v)),
    seedVolume: (name, labels = {}) => structuredClone(createVolume(state, { Name: name, Labels: labels }).volume),
    refusePull: (image, message) => {
      state.refusedPulls.set(normaliseRef(image), message ?? `pull access denied for ${image.split(':')[0]}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
    },
    simulateHealth: (options = {}) => {
      state.healthEnabled = options.enabled ?? true;
      if (options.intervalMs !== undefined) state.healthIntervalMs = options.intervalMs;
    },
  };
}

// ---- the upgrade bridge ------------------------------------------------------------------

/**
 * Node hands requests carrying `Upgrade:` to the server's 'upgrade' event
 * (when it has a listener) with the raw socket — the only way to read stdin
 * that follows the request on a hijacked connection. The bridge reads the
 * request body and re-dispatches it as an ordinary request, so it is recorded
 * in `calls`, honours `failNext`, and reaches the extensions; exec start then
 * takes the socket over (see {@link hijacked}).
 */
function installUpgradeBridge(server: Server): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    void readUpgradeBody(req.headers, socket, head)
      .then((body) => {
        const synthetic = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
          method: req.method,
          url: req.url,
          headers: req.headers,
          httpVersionMajor: 1,
          httpVersionMinor: 1,
          socket,
        });
        const res = new ServerResponse(synthetic as unknown as IncomingMessage);
        res.assignSocket(socket as Socket);
        // an ordinary answer (an error) ends the connection, as dockerd does before hijacking
        res.on('finish', () => socket.end());
        hijacked.set(synthetic, { socket, res });
        server.emit('request', synthetic, res);
      })
      .catch(() => socket.destroy());
  });
}

function readUpgradeBody(headers: IncomingHttpHeaders, socket: Duplex, head: Buffer): Promise<Buffer> {
  const length = Number(headers['content-length'] ?? 0);
  if (!Number.isFinite(length) || length <= 0) {
    if (head.length > 0) socket.unshift(head);
    return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise((resolve, reject) => {
    let buffered = head;
    const done = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      const rest = buffered.subarray(length);
      if (rest.length > 0) socket.unshift(rest);
      resolve(buffered.subarray(0, length));
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= length) done();
    };
    const onEnd = (): void => reject(new Error('connection closed before the request body'));
    if (buffered.length >= length) return done();
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}

// ---- running a command -------------------------------------------------------------------

function envObject(entries: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries) {
    const index = entry.indexOf('=');
    if (index > 0) result[entry.slice(0, index)] = entry.slice(index + 1);
  }
  return result;
}

function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  return Object.entries({ ...envObject(base), ...envObject(overrides) }).map(([key, value]) => `${key}=${value}`);
}

function hostRuleFor(state: EngineState, container: DockerFakeContainer): HostRule | undefined {
  return state.hostRules.find((rule) => rule.match(container));
}

interface RunSpec {
  container: DockerFakeContainer;
  cmd: string[];
  env: string[];
  user: string;
  workingDir: string;
  purpose: 'exec' | 'healthcheck';
}

async function collect(stdin: Readable | undefined): Promise<Buffer | undefined> {
  if (!stdin) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

async function runScripted(state: EngineState, spec: RunSpec, stdin: Readable | undefined, out: OutputSink): Promise<number> {
  const input = await collect(stdin);
  let result: DockerFakeExecResult;
  try {
    result = await state.handler({ ...spec, container: structuredClone(spec.container), stdin: input });
  } catch (error) {
    result = { exitCode: 126, stderr: `docker fake: exec handler threw: ${error instanceof Error ? error.message : String(error)}\n` };
  }
  if (result.stdout !== undefined && result.stdout.length > 0) out('stdout', Buffer.from(result.stdout));
  if (result.stderr !== undefined && result.stderr.length > 0) out('stderr', Buffer.from(result.stderr));
  return result.exitCode ?? 0;
}

/** TEST ONLY: runs the command as a real process on this machine. */
function runOnHost(rule: HostRule, spec: RunSpec, stdin: Readable | undefined, out: OutputSink, waitDrain: (resume: () => void) => void): Promise<number> {
  return new Promise((resolve) => {
    const [file = '', ...args] = spec.cmd;
    // the container's PATH names directories inside its image; the host's is the one that works here
    const env = { ...envObject(spec.env), PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...rule.options.env };
    const child = spawn(file, args, { env, cwd: rule.options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), rule.options.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS);
    const forward = (stream: 'stdout' | 'stderr', source: Readable): void => {
      source.on('data', (chunk: Buffer) => {
        if (!out(stream, chunk)) {
          source.pause();
          waitDrain(() => source.resume());
        }
      });
    };
    forward('stdout', child.stdout);
    forward('stderr', child.stderr);
    child.stdin.on('error', () => undefined);
    if (stdin) stdin.pipe(child.stdin);
    else child.stdin.end();
    child.on('error', (error) => {
      clearTimeout(timer);
      out('stderr', Buffer.from(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${file}": ${error.message}: unknown\r\n`));
      resolve(126);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal === 'SIGKILL' ? 137 : 143));
    });
  });
}

function run(state: EngineState, spec: RunSpec, stdin: Readable | undefined, out: OutputSink, waitDrain: (resume: () => void) => void): { mode: 'script' | 'host'; done: Promise<number> } {
  const rule = hostRuleFor(state, spec.container);
  if (rule) return { mode: 'host', done: runOnHost(rule, spec, stdin, out, waitDrain) };
  return { mode: 'script', done: runScripted(state, spec, stdin, out) };
}

// ---- exec endpoints ----------------------------------------------------------------------

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}

function createExec(state: EngineState, internals: DockerFakeInternals, ref: string, body: Json): string {
  const container = internals.requireContainer(ref);
  if (!container.State.Running) throw internals.httpError(409, `container ${container.Id} is not running`);
  const cmd = stringList(body['Cmd']);
  if (!cmd || cmd.length === 0) throw internals.httpError(400, 'No exec command specified');
  const id = hex(32);
  const record: DockerFakeExecRecord = {
    id,
    containerId: container.Id,
    containerName: container.Name.slice(1),
    cmd,
    env: stringList(body['Env']) ?? [],
    user: typeof body['User'] === 'string' ? body['User'] : '',
    attachStdin: body['AttachStdin'] === true,
    tty: body['Tty'] === true,
    mode: hostRuleFor(state, container) ? 'host' : 'script',
    running: false,
    exitCode: null,
    stdinBytes: 0,
    stdoutBytes: 0,
  };
  state.execs.set(id, { record, workingDir: typeof body['WorkingDir'] === 'string' ? body['WorkingDir'] : '', started: false, pid: 0 });
  state.records.push(record);
  return id;
}

function inspectExec(exec: ExecInstance): Json {
  const { record } = exec;
  return {
    CanRemove: false,
    ContainerID: record.containerId,
    DetachKeys: '',
    ExitCode: record.exitCode,
    ID: record.id,
    OpenStderr: true,
    OpenStdin: record.attachStdin,
    OpenStdout: true,
    ProcessConfig: { arguments: record.cmd.slice(1), entrypoint: record.cmd[0] ?? '', privileged: false, tty: record.tty, user: record.user },
    Running: record.running,
    Pid: exec.pid,
  };
}

function requireExec(state: EngineState, internals: DockerFakeInternals, id: string): ExecInstance {
  const exec = state.execs.get(id);
  if (!exec) throw internals.httpError(404, `No such exec instance: ${id}`);
  return exec;
}

function countBytes(source: Readable, add: (bytes: number) => void): Readable {
  const counter = new PassThrough();
  counter.on('data', (chunk: Buffer) => add(chunk.length));
  counter.pause();
  source.pipe(counter);
  return counter;
}

function frameOrRaw(internals: DockerFakeInternals, tty: boolean, stream: 'stdout' | 'stderr', chunk: Buffer): Buffer {
  return tty ? chunk : internals.frame(stream, chunk);
}

/** Starts the exec; `sink` receives the encoded output; resolves once it exited (exit code recorded first). */
function execute(state: EngineState, internals: DockerFakeInternals, exec: ExecInstance, sink: Writable, stdin: Readable | undefined): Promise<void> {
  const container = internals.requireContainer(exec.record.containerId);
  const { record } = exec;
  exec.started = true;
  exec.pid = 20_000 + Math.floor(Math.random() * 10_000);
  record.running = true;
  const counted = stdin ? countBytes(stdin, (n) => (record.stdinBytes += n)) : undefined;
  const spec: RunSpec = {
    container,
    cmd: record.cmd,
    env: mergeEnv(container.Config.Env, record.env),
    user: record.user || String(container.Config['User'] ?? ''),
    workingDir: exec.workingDir || String(container.Config['WorkingDir'] ?? ''),
    purpose: 'exec',
  };
  const out: OutputSink = (stream, chunk) => {
    if (stream === 'stdout') record.stdoutBytes += chunk.length;
    return sink.writableEnded ? true : sink.write(frameOrRaw(internals, record.tty, stream, chunk));
  };
  const started = run(state, spec, counted, out, (resume) => sink.once('drain', resume));
  return started.done.then((exitCode) => {
    record.exitCode = exitCode;
    record.running = false;
    exec.pid = 0;
  });
}

function startExecPlain(state: EngineState, internals: DockerFakeInternals, exec: ExecInstance, request: DockerFakeRequest): number {
  const { res } = request;
  if (request.body['Detach'] === true) {
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    void execute(state, internals, exec, discard, undefined);
    internals.send(res, 200);
    return 200;
  }
  res.writeHead(200, { 'Content-Type': exec.record.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
  void execute(state, internals, exec, res, undefined).finally(() => res.end());
  return 200;
}

/** dockerd's answer to a hijack: 101, then the raw connection carries stdin in and frames out. */
function startExecHijacked(state: EngineState, internals: DockerFakeInternals, exec: ExecInstance, socket: Duplex, res: ServerResponse): number {
  res.detachSocket(socket as Socket);
  state.sockets.add(socket);
  const contentType = exec.record.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  const stdin = exec.record.attachStdin ? socket : undefined;
  if (!stdin) socket.resume();
  void execute(state, internals, exec, socket, stdin).finally(() => {
    state.sockets.delete(socket);
    socket.end();
  });
  return 101;
}

function startExec(state: EngineState, internals: DockerFakeInternals, id: string, request: DockerFakeRequest): number {
  const exec = requireExec(state, internals, id);
  if (exec.started) throw internals.httpError(409, `Error: Exec command ${id} has already run`);
  const container = internals.requireContainer(exec.record.containerId);
  if (!container.State.Running) throw internals.httpError(409, `container ${container.Id} is not running`);
  const entry = hijacked.get(request.req);
  if (entry) return startExecHijacked(state, internals, exec, entry.socket, entry.res);
  return startExecPlain(state, internals, exec, request);
}

// ---- health checks -----------------------------------------------------------------------

function healthcheckOf(container: DockerFakeContainer): DockerFakeHealthcheck | undefined {
  return container.Config['Healthcheck'] as DockerFakeHealthcheck | undefined;
}

function healthCommand(container: DockerFakeContainer): string[] | undefined {
  const test = stringList(healthcheckOf(container)?.Test);
  if (!test || test.length === 0 || test[0] === 'NONE') return undefined;
  if (test[0] === 'CMD') return test.slice(1);
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  return test;
}

function healthRetries(container: DockerFakeContainer): number {
  const retries = healthcheckOf(container)?.Retries;
  return typeof retries === 'number' && retries > 0 ? retries : 3;
}

/** Records one probe's outcome in the live container, as dockerd's health monitor does. */
function recordProbe(internals: DockerFakeInternals, container: DockerFakeContainer, health: HealthState, entry: HealthLogEntry): void {
  const before = health.status;
  health.log = [...health.log, entry].slice(-HEALTH_LOG_ENTRIES);
  if (entry.ExitCode === 0) {
    health.status = 'healthy';
    health.failingStreak = 0;
  } else {
    health.failingStreak += 1;
    if (health.failingStreak >= healthRetries(container)) health.status = 'unhealthy';
  }
  if (container.State.StartedAt !== health.containerStartedAt) return;
  container.State.Health = { Status: health.status, FailingStreak: health.failingStreak, Log: health.log };
  if (health.status !== before && typeof internals.emitEvent === 'function') {
    internals.emitEvent('container', `health_status: ${health.status}`, container.Id, { name: container.Name.slice(1), image: container.Config.Image });
  }
}

function probe(state: EngineState, internals: DockerFakeInternals, container: DockerFakeContainer, cmd: string[], health: HealthState): void {
  health.probing = true;
  const started = now();
  const output: Buffer[] = [];
  const spec: RunSpec = {
    container,
    cmd,
    env: container.Config.Env,
    user: String(container.Config['User'] ?? ''),
    workingDir: String(container.Config['WorkingDir'] ?? ''),
    purpose: 'healthcheck',
  };
  const collectOutput: OutputSink = (_stream, chunk) => {
    output.push(chunk);
    return true;
  };
  void run(state, spec, undefined, collectOutput, (resume) => resume()).done.then((exitCode) => {
    health.probing = false;
    health.lastProbeAt = Date.now();
    recordProbe(internals, container, health, { Start: started, End: now(), ExitCode: exitCode, Output: Buffer.concat(output).toString('utf8').slice(0, 4096) });
  });
}

/** Probes run lazily, when someone looks, and in the background (the answer shows the previous outcome). */
function probeIfDue(state: EngineState, internals: DockerFakeInternals, ref: string): void {
  const container = internals.findContainer(ref);
  const cmd = container ? healthCommand(container) : undefined;
  if (!container || !cmd || !container.State.Running) return;
  let health = state.health.get(container.Id);
  if (!health || health.containerStartedAt !== container.State.StartedAt) {
    health = { containerStartedAt: container.State.StartedAt, status: 'starting', failingStreak: 0, log: [], probing: false, lastProbeAt: 0 };
    state.health.set(container.Id, health);
    container.State.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
  }
  if (!health.probing && Date.now() - health.lastProbeAt >= state.healthIntervalMs) probe(state, internals, container, cmd, health);
}

// ---- volumes -----------------------------------------------------------------------------

function createVolume(state: EngineState, body: Json): { volume: DockerFakeVolume; created: boolean } {
  const name = typeof body['Name'] === 'string' && body['Name'] !== '' ? body['Name'] : hex(32);
  const existing = state.volumes.get(name);
  if (existing) return { volume: existing, created: false };
  const volume: DockerFakeVolume = {
    Name: name,
    Driver: typeof body['Driver'] === 'string' && body['Driver'] !== '' ? body['Driver'] : 'local',
    Mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    CreatedAt: now().replace(/\.\d+Z$/, 'Z'),
    Labels: (body['Labels'] as Record<string, string> | undefined) ?? {},
    Scope: 'local',
    Options: (body['DriverOpts'] as Record<string, string> | undefined) ?? {},
  };
  state.volumes.set(name, volume);
  return { volume, created: true };
}

/** Named volumes a container create refers to (HostConfig.Mounts of type volume, and `name:/path` binds). */
function namedVolumes(body: Json): string[] {
  const hostConfig = (body['HostConfig'] as Json | undefined) ?? {};
  const mounts = (hostConfig['Mounts'] as Json[] | undefined) ?? [];
  const fromMounts = mounts.filter((m) => m['Type'] === 'volume' && typeof m['Source'] === 'string' && m['Source'] !== '').map((m) => String(m['Source']));
  const binds = stringList(hostConfig['Binds']) ?? [];
  const fromBinds = binds.map((bind) => bind.split(':')[0] ?? '').filter((source) => source !== '' && !source.startsWith('/'));
  return [...fromMounts, ...fromBinds];
}

function noteContainerCreate(state: EngineState, request: DockerFakeRequest): void {
  const volumes = namedVolumes(request.body);
  for (const name of volumes) createVolume(state, { Name: name });
  const containerName = request.query.get('name');
  if (containerName) state.volumeUsers.set(containerName.replace(/^\//, ''), volumes);
}

function volumeUser(state: EngineState, internals: DockerFakeInternals, volume: string): DockerFakeContainer | undefined {
  for (const [containerName, volumes] of state.volumeUsers) {
    if (!volumes.includes(volume)) continue;
    const container = internals.findContainer(containerName);
    if (container) return container;
    state.volumeUsers.delete(containerName);
  }
  return undefined;
}

function matchesVolumeFilters(volume: DockerFakeVolume, filters: Record<string, string[]>): boolean {
  const names = filters['name'] ?? [];
  const labels = filters['label'] ?? [];
  return (
    names.every((name) => volume.Name.includes(name)) &&
    labels.every((label) => {
      const [key = '', value] = label.split('=', 2);
      return value === undefined ? key in volume.Labels : volume.Labels[key] === value;
    })
  );
}

function parseFilters(query: URLSearchParams): Record<string, string[]> {
  const text = query.get('filters');
  if (!text) return {};
  const parsed = JSON.parse(text) as Record<string, string[] | Record<string, boolean>>;
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, Array.isArray(value) ? value : Object.keys(value)]));
}

function volumeRoutes(state: EngineState, internals: DockerFakeInternals, request: DockerFakeRequest): number | undefined {
  const { method, path, res } = request;
  if (method === 'POST' && path === '/volumes/create') {
    // like dockerd, creating an existing volume answers that volume
    internals.send(res, 201, createVolume(state, request.body).volume);
    return 201;
  }
  if (method === 'GET' && path === '/volumes') {
    const filters = parseFilters(request.query);
    internals.send(res, 200, { Volumes: [...state.volumes.values()].filter((v) => matchesVolumeFilters(v, filters)), Warnings: [] });
    return 200;
  }
  const match = /^\/volumes\/([^/]+)$/.exec(path);
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1]);
  const volume = state.volumes.get(name);
  if (method === 'GET') {
    if (!volume) throw internals.httpError(404, `get ${name}: no such volume`);
    internals.send(res, 200, volume);
    return 200;
  }
  if (method === 'DELETE') {
    if (!volume) throw internals.httpError(404, `get ${name}: no such volume`);
    const user = volumeUser(state, internals, name);
    if (user && request.query.get('force') !== 'true' && request.query.get('force') !== '1') {
      throw internals.httpError(409, `remove ${name}: volume is in use - [${user.Id}]`);
    }
    state.volumes.delete(name);
    internals.send(res, 204);
    return 204;
  }
  return undefined;
}

// ---- image pulls -------------------------------------------------------------------------

function normaliseRef(ref: string): string {
  const lastSlash = ref.lastIndexOf('/');
  return ref.includes('@') || ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

function pullImage(state: EngineState, internals: DockerFakeInternals, request: DockerFakeRequest): number {
  const fromImage = request.query.get('fromImage') ?? '';
  if (fromImage === '') throw internals.httpError(400, 'fromImage is required (import from a file is not supported by the fake)');
  const tag = request.query.get('tag') ?? '';
  const ref = normaliseRef(tag === '' ? fromImage : tag.startsWith('sha256:') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`);
  const refused = state.refusedPulls.get(ref);
  if (refused) throw internals.httpError(404, refused);
  const { res } = request;
  const repository = ref.includes('@') ? ref.slice(0, ref.indexOf('@')) : ref.slice(0, ref.lastIndexOf(':'));
  const shownTag = ref.includes('@') ? ref.slice(ref.indexOf('@') + 1) : ref.slice(ref.lastIndexOf(':') + 1);
  const library = repository.includes('/') ? repository : `library/${repository}`;
  const existing = internals.findImage(ref);
  const digest = `sha256:${hex(32)}`;
  const lines: Json[] = [{ status: `Pulling from ${library}`, id: shownTag }];
  if (!existing) {
    const layer = hex(6);
    lines.push(
      { status: 'Pulling fs layer', progressDetail: {}, id: layer },
      { status: 'Downloading', progressDetail: { current: 1_048_576, total: 2_097_152 }, progress: '[=========================>                         ]  1.049MB/2.097MB', id: layer },
      { status: 'Download complete', progressDetail: {}, id: layer },
      { status: 'Extracting', progressDetail: { current: 2_097_152, total: 2_097_152 }, progress: '[==================================================>]  2.097MB/2.097MB', id: layer },
      { status: 'Pull complete', progressDetail: {}, id: layer },
    );
  }
  lines.push({ status: `Digest: ${digest}` }, { status: existing ? `Status: Image is up to date for ${ref}` : `Status: Downloaded newer image for ${ref}` });
  if (!existing) internals.seedImage({ repoTags: ref.includes('@') ? [] : [ref], repoDigests: [`${repository}@${digest}`] });
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (const line of lines) res.write(`${JSON.stringify(line)}\r\n`);
  res.end();
  return 200;
}

// ---- the extension -----------------------------------------------------------------------

const engineExtension: DockerFakeExtension = (request, internals) => {
  const state = stateOfRequest(request.req, internals);
  const { method, path } = request;
  if (method === 'POST' && path === '/containers/create') {
    noteContainerCreate(state, request);
    return undefined;
  }
  const createMatch = /^\/containers\/([^/]+)\/exec$/.exec(path);
  if (method === 'POST' && createMatch?.[1]) {
    internals.send(request.res, 201, { Id: createExec(state, internals, decodeURIComponent(createMatch[1]), request.body) });
    return 201;
  }
  const execMatch = /^\/exec\/([^/]+)\/(start|json|resize)$/.exec(path);
  if (execMatch?.[1]) {
    const id = decodeURIComponent(execMatch[1]);
    if (method === 'POST' && execMatch[2] === 'start') return startExec(state, internals, id, request);
    if (method === 'GET' && execMatch[2] === 'json') {
      internals.send(request.res, 200, inspectExec(requireExec(state, internals, id)));
      return 200;
    }
    if (method === 'POST' && execMatch[2] === 'resize') {
      requireExec(state, internals, id);
      internals.send(request.res, 200);
      return 200;
    }
  }
  if (method === 'POST' && path === '/images/create') return pullImage(state, internals, request);
  if (path === '/volumes' || path.startsWith('/volumes/')) return volumeRoutes(state, internals, request);
  const inspectMatch = /^\/containers\/([^/]+)\/json$/.exec(path);
  if (method === 'GET' && inspectMatch?.[1] && state.healthEnabled) probeIfDue(state, internals, decodeURIComponent(inspectMatch[1]));
  return undefined;
};

/**
 * Endpoints of the Docker fake beyond containers and images: exec (create,
 * start with a multiplexed or hijacked stream, inspect), volumes and image
 * pulls. Registered on every fake by `startDockerFake`.
 */
export const builtInExtensions: readonly DockerFakeExtension[] = [engineExtension];
