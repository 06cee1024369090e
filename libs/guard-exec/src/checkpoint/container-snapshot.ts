import type Docker from 'dockerode';
import { canonicalJson } from './canonical.js';
import { CheckpointError } from './errors.js';
import type { ContainerSnapshot, NetworkEndpointSnapshot } from './types.js';

type Inspect = Docker.ContainerInspectInfo;
type ExistingSnapshot = Extract<ContainerSnapshot, { exists: true }>;

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function dockerMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}

export async function inspectContainer(docker: Docker, ref: string): Promise<Inspect | undefined> {
  try {
    return await docker.getContainer(ref).inspect();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw new CheckpointError('SNAPSHOT_FAILED', `Docker could not inspect container ${ref}: ${dockerMessage(error)}`, { cause: error });
  }
}

/** Aliases Docker adds by itself (the short id of that container instance) would name the old container. */
function endpointSnapshot(endpoint: Record<string, unknown>, containerId: string): NetworkEndpointSnapshot {
  const aliases = Array.isArray(endpoint['Aliases'])
    ? (endpoint['Aliases'] as string[]).filter((alias) => !containerId.startsWith(alias))
    : null;
  return {
    IPAMConfig: endpoint['IPAMConfig'] ?? null,
    Links: (endpoint['Links'] as string[] | null | undefined) ?? null,
    Aliases: aliases && aliases.length > 0 ? aliases : null,
    DriverOpts: (endpoint['DriverOpts'] as Record<string, string> | null | undefined) ?? null,
  };
}

function endpointsOf(inspect: Inspect): Record<string, NetworkEndpointSnapshot> {
  const networks = (inspect.NetworkSettings?.Networks ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(Object.entries(networks).map(([name, endpoint]) => [name, endpointSnapshot(endpoint, inspect.Id)]));
}

/**
 * The container's image and create configuration (Config, HostConfig,
 * network endpoints, name), enough to create it again; `exists: false` when
 * there is no such container (rollback then removes one created later).
 */
export async function snapshotContainer(docker: Docker, ref: string): Promise<ContainerSnapshot> {
  const inspect = await inspectContainer(docker, ref);
  if (!inspect) return { name: ref.replace(/^\//, ''), exists: false };
  let repoDigests: string[] = [];
  try {
    repoDigests = (await docker.getImage(inspect.Image).inspect()).RepoDigests ?? [];
  } catch (error) {
    if (statusOf(error) !== 404) throw new CheckpointError('SNAPSHOT_FAILED', `Docker could not inspect image ${inspect.Image}: ${dockerMessage(error)}`, { cause: error });
  }
  const config = structuredClone(inspect.Config) as unknown as Record<string, unknown>;
  return {
    name: inspect.Name.replace(/^\//, ''),
    exists: true,
    id: inspect.Id,
    imageId: inspect.Image,
    imageRef: String(config['Image'] ?? ''),
    repoDigests,
    running: inspect.State.Running,
    config,
    hostConfig: structuredClone(inspect.HostConfig) as unknown as Record<string, unknown>,
    endpoints: endpointsOf(inspect),
  };
}

/**
 * Differences between a container as checkpointed and as it is now, field by
 * field (empty when equal). `Config.Image` is left out on purpose: the
 * restored container names the pinned image ID there; the image itself is
 * compared by ID.
 */
export function diffContainer(expected: ContainerSnapshot, actual: Inspect | undefined): string[] {
  const name = expected.name;
  if (!expected.exists) return actual ? [`${name}: expected no container, found ${actual.Id.slice(0, 12)}`] : [];
  if (!actual) return [`${name}: container is missing`];
  const differences: string[] = [];
  if (actual.Name.replace(/^\//, '') !== name) differences.push(`${name}: name is ${actual.Name}`);
  if (actual.Image !== expected.imageId) differences.push(`${name}: image ${actual.Image}, expected ${expected.imageId}`);
  if (actual.State.Running !== expected.running) differences.push(`${name}: running=${actual.State.Running}, expected ${expected.running}`);
  const actualConfig = actual.Config as unknown as Record<string, unknown>;
  differences.push(...diffFields(`${name}: Config`, withoutImage(expected.config), withoutImage(actualConfig)));
  differences.push(...diffFields(`${name}: HostConfig`, expected.hostConfig, actual.HostConfig as unknown as Record<string, unknown>));
  differences.push(...diffFields(`${name}: network`, expected.endpoints as Record<string, unknown>, endpointsOf(actual) as Record<string, unknown>));
  return differences;
}

function withoutImage(config: Record<string, unknown>): Record<string, unknown> {
  const { Image: _image, ...rest } = config;
  return rest;
}

function diffFields(prefix: string, expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return keys
    .filter((key) => canonicalJson(expected[key] ?? null) !== canonicalJson(actual[key] ?? null))
    .map((key) => `${prefix}.${key}: ${canonicalJson(actual[key] ?? null)}, expected ${canonicalJson(expected[key] ?? null)}`);
}

/** The image reference to create from: the image ID if it is still there, else a repo digest that is. Never pulls. */
async function pinnedImage(docker: Docker, snapshot: ExistingSnapshot): Promise<string> {
  for (const ref of [snapshot.imageId, ...snapshot.repoDigests]) {
    try {
      await docker.getImage(ref).inspect();
      return ref;
    } catch (error) {
      if (statusOf(error) !== 404) throw new CheckpointError('RESTORE_FAILED', `Docker could not inspect image ${ref}: ${dockerMessage(error)}`, { cause: error });
    }
  }
  const pull = snapshot.repoDigests[0] ? `; pull ${snapshot.repoDigests[0]} and roll back again` : '';
  throw new CheckpointError('IMAGE_MISSING', `Cannot restore container ${snapshot.name}: image ${snapshot.imageId} is no longer on the host${pull}`);
}

async function removeContainer(docker: Docker, id: string): Promise<void> {
  const container = docker.getContainer(id);
  try {
    await container.stop({ t: 10 });
  } catch (error) {
    // 304: not running; 404: gone already
    if (statusOf(error) !== 304 && statusOf(error) !== 404) throw restoreFailed(`stopping ${id}`, error);
  }
  try {
    await container.remove({ force: true });
  } catch (error) {
    if (statusOf(error) !== 404) throw restoreFailed(`removing ${id}`, error);
  }
}

function restoreFailed(what: string, error: unknown): CheckpointError {
  return new CheckpointError('RESTORE_FAILED', `Docker failed ${what}: ${dockerMessage(error)}`, { cause: error });
}

async function setRunning(docker: Docker, id: string, running: boolean): Promise<void> {
  const container = docker.getContainer(id);
  try {
    if (running) await container.start();
    else await container.stop({ t: 10 });
  } catch (error) {
    if (statusOf(error) !== 304) throw restoreFailed(`${running ? 'starting' : 'stopping'} ${id}`, error);
  }
}

export type ContainerRestoreAction = 'unchanged' | 'state-restored' | 'recreated' | 'removed' | 'absent';

/**
 * Puts a container back as checkpointed. The same container with the same
 * configuration only gets its running state back; anything else is stopped,
 * removed and created again from the stored configuration, pinned to the
 * stored image, and started if it was running. The image is checked before
 * anything is removed.
 */
export async function restoreContainer(docker: Docker, snapshot: ContainerSnapshot): Promise<ContainerRestoreAction> {
  const current = await inspectContainer(docker, snapshot.name);
  if (!snapshot.exists) {
    if (!current) return 'absent';
    await removeContainer(docker, current.Id);
    return 'removed';
  }
  if (current && current.Id === snapshot.id) {
    const differences = diffContainer({ ...snapshot, running: current.State.Running }, current);
    if (differences.length === 0) {
      if (current.State.Running === snapshot.running) return 'unchanged';
      await setRunning(docker, current.Id, snapshot.running);
      return 'state-restored';
    }
  }
  const image = await pinnedImage(docker, snapshot);
  if (current) await removeContainer(docker, current.Id);
  let created: Docker.Container;
  try {
    created = await docker.createContainer({
      ...(snapshot.config as Docker.ContainerCreateOptions),
      name: snapshot.name,
      Image: image,
      HostConfig: snapshot.hostConfig as Docker.HostConfig,
      NetworkingConfig: { EndpointsConfig: snapshot.endpoints as unknown as Docker.EndpointsConfig },
    });
  } catch (error) {
    throw restoreFailed(`creating ${snapshot.name}`, error);
  }
  if (snapshot.running) await setRunning(docker, created.id, true);
  return 'recreated';
}
