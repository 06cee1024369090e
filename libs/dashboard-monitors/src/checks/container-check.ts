import type Docker from 'dockerode';
import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import type { ContainerCheckSpec } from '../catalog/catalog-entry.js';
import { errorMessage } from '../util/error-message.js';
import { elapsedSince, type CheckOutcome } from './check-outcome.js';

type Inspect = Docker.ContainerInspectInfo;

/** Where the container check finds Docker; undefined while the containers feature is not wired. */
export type DockerRegistryLookup = () => DockerHostRegistry | undefined;

function lastHealthOutput(info: Inspect): string | null {
  const log = info.State.Health?.Log ?? [];
  const output = log[log.length - 1]?.Output?.trim();
  return output ? output.slice(0, 300) : null;
}

/** Running + healthy (or no health check) → up; starting, paused, restarting → degraded; unhealthy, stopped, missing → down. */
export function containerStatus(info: Inspect): Omit<CheckOutcome, 'responseMs'> {
  const state = info.State;
  if (state.Restarting) return { status: 'degraded', error: 'restarting' };
  if (state.Paused) return { status: 'degraded', error: 'paused' };
  if (!state.Running) return { status: 'down', error: `${state.Status || 'not running'} (exit code ${state.ExitCode})` };
  const health = state.Health?.Status;
  if (health === 'unhealthy') {
    const output = lastHealthOutput(info);
    return { status: 'down', error: `unhealthy${output ? `: ${output}` : ''}` };
  }
  if (health === 'starting') return { status: 'degraded', error: 'health check starting' };
  return { status: 'up', error: null };
}

const statusCode = (error: unknown): number | undefined => {
  const code = (error as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
};

/** Asks the Docker host for the container's state and health (one inspect call). */
export async function containerCheck(check: ContainerCheckSpec, registry: DockerRegistryLookup): Promise<CheckOutcome> {
  const docker = registry();
  if (!docker) return { status: 'down', responseMs: null, error: 'container checks are not available: no Docker hosts are set up in this dashboard' };
  let hostName: string;
  let client: Docker;
  try {
    hostName = check.host ?? docker.defaultHost();
    client = docker.client(hostName);
  } catch (error) {
    const known = docker.hosts().map((h) => h.name).join(', ');
    return { status: 'down', responseMs: null, error: `${errorMessage(error)} (configured Docker hosts: ${known || 'none'})` };
  }
  const started = performance.now();
  try {
    const info = await client.getContainer(check.container).inspect();
    return { ...containerStatus(info), responseMs: elapsedSince(started) };
  } catch (error) {
    if (statusCode(error) === 404) return { status: 'down', responseMs: null, error: `no container named "${check.container}" on Docker host ${hostName}` };
    return { status: 'down', responseMs: null, error: `Docker host ${hostName}: ${errorMessage(error)}` };
  }
}
