import type Docker from 'dockerode';
import type { Logger } from '@homelab/tracing';
import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import { containerCreateOptions, DATABASE_ID_LABEL, MANAGED_LABEL } from './container-spec.js';
import { disableIdleTimeout } from './docker-exec.js';
import { dockerMessage, isConflict, isNotFound } from './docker-errors.js';
import type { DatabaseRecord, ManagedDatabaseRepository } from './managed-database.repository.js';
import { demultiplexText } from './multiplexed-stream.js';
import { scrub } from './scrub.js';
import { templateFor } from './templates/templates.js';

export interface ProvisionerOptions {
  registry: DockerHostRegistry;
  databases: ManagedDatabaseRepository;
  logger: Logger;
  /** How long a new database may take to report healthy (first start initialises its data). */
  readyTimeoutMs: number;
  /** Pause between two looks at the container while waiting. */
  pollMs: number;
  /** The longest an image pull may take (its progress keeps the connection busy, so no idle timeout applies). */
  pullTimeoutMs: number;
}

export interface ProvisionRequest {
  record: DatabaseRecord;
  password: string;
  bindAddress: string;
  signal: AbortSignal;
}

/** A step failed in a way the operator should read as is. */
class ProvisionError extends Error {}

const PROGRESS_EVERY_MS = 1000;
const LOG_TAIL_LINES = 15;
const MAX_RESTARTS = 2;

/**
 * Creates a database's Docker objects — image (pulled when missing), named
 * volume, container — starts it and waits until its health check passes;
 * `creating` → `ready` or `failed` with a sentence saying what went wrong.
 * Progress goes to the row as it happens, so every replica can show it.
 */
export class DatabaseProvisioner {
  constructor(private readonly options: ProvisionerOptions) {}

  async provision(request: ProvisionRequest): Promise<void> {
    const { record } = request;
    const { databases, logger } = this.options;
    try {
      const docker = this.options.registry.client(record.dockerHost);
      await this.ensureImage(docker, record, request.signal);
      await this.step(record, 'creating volume');
      await docker.createVolume({ Name: record.volume, Labels: { [MANAGED_LABEL]: 'database', [DATABASE_ID_LABEL]: record.id } });
      const container = await this.createContainer(docker, request);
      await this.step(record, 'starting the container');
      await container.start().catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode !== 304) throw error;
      });
      await this.step(record, 'waiting for the health check');
      const hostPort = await this.waitHealthy(container, record, request);
      await databases.markReady(record.id, record.hostPort ?? hostPort);
      logger.info({ database: record.name, engine: record.engine, host: record.dockerHost }, 'one-click database ready');
    } catch (error) {
      const message = request.signal.aborted ? 'creation was interrupted: the dashboard is shutting down' : describe(error, request.password);
      await databases.markFailed(record.id, message).catch((e: unknown) => logger.error({ err: e, database: record.name }, 'could not record a failed creation'));
      logger.warn({ database: record.name, engine: record.engine, error: message }, 'one-click database creation failed');
    }
  }

  private async step(record: DatabaseRecord, progress: string): Promise<void> {
    await this.options.databases.setProgress(record.id, progress);
  }

  private async ensureImage(docker: Docker, record: DatabaseRecord, signal: AbortSignal): Promise<void> {
    await this.step(record, `checking image ${record.image}`);
    try {
      await docker.getImage(record.image).inspect();
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.step(record, `pulling image ${record.image}`);
    const pull = AbortSignal.any([signal, AbortSignal.timeout(this.options.pullTimeoutMs)]);
    const stream = await docker.pull(record.image, { abortSignal: pull });
    disableIdleTimeout(stream);
    let lastReport = 0;
    await new Promise<void>((resolve, reject) => {
      const layers = new Map<string, { current: number; total: number }>();
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(new ProvisionError(`pulling ${record.image} failed: ${error.message}`)) : resolve()),
        (event: { id?: string; progressDetail?: { current?: number; total?: number } }) => {
          const detail = event.progressDetail;
          if (event.id && detail?.total) layers.set(event.id, { current: detail.current ?? 0, total: detail.total });
          if (Date.now() - lastReport < PROGRESS_EVERY_MS || layers.size === 0) return;
          lastReport = Date.now();
          const sum = [...layers.values()].reduce((acc, l) => ({ current: acc.current + l.current, total: acc.total + l.total }), { current: 0, total: 0 });
          void this.step(record, `pulling image ${record.image} (${Math.min(100, Math.round((sum.current / sum.total) * 100))}%)`).catch(() => undefined);
        },
      );
    });
  }

  /** Creates the container; one left over from an earlier attempt for this very database is reused. */
  private async createContainer(docker: Docker, request: ProvisionRequest): Promise<Docker.Container> {
    const { record } = request;
    await this.step(record, 'creating the container');
    const template = templateFor(record.engine);
    const options = containerCreateOptions({
      id: record.id,
      name: record.name,
      engine: record.engine,
      containerName: record.containerName,
      volume: record.volume,
      template,
      credentials: { username: record.username, databaseName: record.databaseName, password: request.password },
      hostPort: record.hostPort,
      bindAddress: request.bindAddress,
    });
    try {
      // dockerode would also copy every option into the query string — the Env, password included, in the
      // URL that daemon debug logs and socket proxies record; _query/_body keep the URL to the name
      const { name, ...body } = options;
      const container = await docker.createContainer({ _query: { name }, _body: body } as unknown as Docker.ContainerCreateOptions);
      await this.options.databases.setContainer(record.id, container.id);
      return container;
    } catch (error) {
      if (!isConflict(error)) throw error;
      const existing = docker.getContainer(record.containerName);
      const info = await existing.inspect();
      if (info.Config.Labels?.[DATABASE_ID_LABEL] !== record.id) {
        throw new ProvisionError(`a container named ${record.containerName} already exists and was not created for this database; remove it or pick another name`);
      }
      await this.options.databases.setContainer(record.id, info.Id);
      return existing;
    }
  }

  /** Polls inspect until healthy; fails on unhealthy, exit, a restart loop or the deadline. Returns the published host port. */
  private async waitHealthy(container: Docker.Container, record: DatabaseRecord, request: ProvisionRequest): Promise<number | null> {
    const template = templateFor(record.engine);
    const started = Date.now();
    for (;;) {
      if (request.signal.aborted) throw new ProvisionError('interrupted');
      const info = await container.inspect();
      const health = info.State.Health;
      if (health?.Status === 'healthy') return publishedPort(info, template.port);
      if (health?.Status === 'unhealthy') {
        const last = health.Log?.at(-1)?.Output ?? '';
        throw new ProvisionError(`the health check failed: ${scrub(last, [request.password], 500) || `exit code ${health.Log?.at(-1)?.ExitCode ?? '?'}`}`);
      }
      if (!info.State.Running && !info.State.Restarting) {
        throw new ProvisionError(`the container stopped (exit code ${info.State.ExitCode})${await this.logTail(container, request.password)}`);
      }
      if (info.RestartCount > MAX_RESTARTS) throw new ProvisionError(`the container keeps restarting${await this.logTail(container, request.password)}`);
      const waited = Date.now() - started;
      if (waited > this.options.readyTimeoutMs) {
        throw new ProvisionError(`not healthy after ${Math.round(waited / 1000)} s (health: ${health?.Status ?? 'none'})${await this.logTail(container, request.password)}`);
      }
      await this.step(record, `waiting for the health check (${Math.round(waited / 1000)} s)`);
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
  }

  private async logTail(container: Docker.Container, password: string): Promise<string> {
    try {
      const buffer = (await container.logs({ stdout: true, stderr: true, tail: LOG_TAIL_LINES, follow: false })) as unknown as Buffer;
      const text = scrub(demultiplexText(buffer), [password], 800);
      return text ? `; last log lines: ${text}` : '';
    } catch {
      return '';
    }
  }
}

function publishedPort(info: Docker.ContainerInspectInfo, port: number): number | null {
  const binding = info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0];
  const hostPort = binding ? Number(binding.HostPort) : NaN;
  return Number.isInteger(hostPort) && hostPort > 0 ? hostPort : null;
}

function describe(error: unknown, password: string): string {
  if (error instanceof ProvisionError) return scrub(error.message, [password]);
  const status = (error as { statusCode?: number }).statusCode;
  const text = scrub(dockerMessage(error), [password]);
  return status ? `Docker refused (${status}): ${text}` : `Docker host unreachable or failing: ${text}`;
}
