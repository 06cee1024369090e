import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { healthContracts, RpcError, serviceNames, type Heartbeat, type ServiceHealth, type ServiceName } from '@homelab/contracts';
import type { ErrorInfo, ServiceOverview, ServicesOverview, UpCounts } from '@homelab/dashboard-api';
import { PeriodicTask } from '@homelab/dashboard-monitors';
import { LOGGER, RpcClient } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { ServiceDirectory } from './service-directory.js';
import { ServiceObservationsRepository, type StatusChange } from './service-observations.repository.js';

export const SERVICES_HEALTH_TIMEOUT_MS = Symbol('SERVICES_HEALTH_TIMEOUT_MS');

export type { ServiceOverview, ServicesOverview };

/** How often each service is asked for its health, besides what its heartbeats say. */
export const SERVICES_REFRESH_MS = 5000;
/** An answer is rebuilt at most this often under load (and whenever new health arrives). */
const ANSWER_REUSE_MS = 250;

interface HealthSighting {
  health: ServiceHealth;
  at: number;
}

function failureOf(error: unknown): ErrorInfo {
  return error instanceof RpcError
    ? { code: error.code, message: error.message }
    : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The five services' health, served from memory: every heartbeat carries its
 * sender's health, and a background round asks each service over NATS every
 * few seconds (also right away when a reader finds the picture stale), so a
 * request never waits for NATS.
 */
@Injectable()
export class ServicesOverviewService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sightings = new Map<ServiceName, Map<string, HealthSighting>>();
  private readonly failures = new Map<ServiceName, ErrorInfo>();
  private changes = new Map<string, StatusChange>();
  private answer: { body: ServicesOverview; json: string; at: number } | undefined;
  private refreshedAt = 0;
  private readonly task: PeriodicTask;

  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(ServiceDirectory) private readonly directory: ServiceDirectory,
    @Inject(SERVICES_HEALTH_TIMEOUT_MS) private readonly timeoutMs: number,
    @Inject(ServiceObservationsRepository) private readonly observations: ServiceObservationsRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.task = new PeriodicTask({ name: 'services health', intervalMs: SERVICES_REFRESH_MS, logger }, () => this.refresh());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop(1000);
  }

  /** A heartbeat: its sender's health, as fresh as it gets. */
  observe(beat: Heartbeat): void {
    const { httpUrl: _url, sentAt: _sent, ...health } = beat;
    this.remember(health, Date.now());
  }

  /** A status change was written to the history. */
  noteChange(service: ServiceName, change: StatusChange): void {
    this.changes.set(service, change);
    this.answer = undefined;
  }

  async overview(): Promise<ServicesOverview> {
    return (await this.current()).body;
  }

  /** The same answer, already encoded as JSON: the route sends it as is under load. */
  async overviewJson(): Promise<string> {
    return (await this.current()).json;
  }

  private async current(): Promise<{ body: ServicesOverview; json: string }> {
    const now = Date.now();
    if (this.refreshedAt === 0) await this.task.runOrJoin();
    else if (now - this.refreshedAt > SERVICES_REFRESH_MS) void this.task.runOrJoin();
    if (this.answer && now - this.answer.at < ANSWER_REUSE_MS) return this.answer;
    const body = { services: serviceNames.map((name) => this.one(name, now)), generatedAt: new Date(now).toISOString() };
    this.answer = { body, json: JSON.stringify(body), at: now };
    return this.answer;
  }

  /** How many of the five are up (for the overview page). */
  async counts(): Promise<UpCounts> {
    const { services } = await this.overview();
    return { up: services.filter((s) => s.status === 'up').length, total: services.length };
  }

  /** Asks every service for its health in parallel, and reloads the recorded status changes. */
  private async refresh(): Promise<void> {
    await Promise.all([
      ...serviceNames.map(async (name) => {
        try {
          const health = await this.rpc.request(healthContracts[name], {}, { timeoutMs: this.timeoutMs });
          this.failures.delete(name);
          this.remember(health, Date.now());
        } catch (error) {
          this.failures.set(name, failureOf(error));
          this.answer = undefined;
        }
      }),
      this.observations.latestChanges().then(
        (changes) => {
          this.changes = changes;
        },
        // the live view does not depend on the history
        () => undefined,
      ),
    ]);
    this.refreshedAt = Date.now();
    this.answer = undefined;
  }

  private remember(health: ServiceHealth, at: number): void {
    let byInstance = this.sightings.get(health.service);
    if (!byInstance) this.sightings.set(health.service, (byInstance = new Map()));
    byInstance.set(health.instanceId, { health, at });
    this.answer = undefined;
  }

  /** Fresh health of the instances, an `up` one first: one healthy replica serves. */
  private freshest(name: ServiceName, now: number): ServiceHealth | undefined {
    const byInstance = this.sightings.get(name);
    if (!byInstance) return undefined;
    let best: HealthSighting | undefined;
    for (const [id, sighting] of byInstance) {
      if (now - sighting.at > this.directory.windowMs) {
        byInstance.delete(id);
        continue;
      }
      const better =
        !best ||
        (sighting.health.status === 'up' && best.health.status !== 'up') ||
        (sighting.health.status === best.health.status && sighting.at > best.at);
      if (better) best = sighting;
    }
    return best?.health;
  }

  private one(name: ServiceName, now: number): ServiceOverview {
    const instances = this.directory.alive(name, now);
    const lastChange = this.changes.get(name) ?? null;
    const health = this.freshest(name, now);
    if (health) return { name, status: health.status, health, error: null, instances, lastChange };
    const error = this.failures.get(name) ?? { code: 'UNAVAILABLE', message: `No instance of ${name} has answered yet` };
    return { name, status: 'unreachable', health: null, error, instances, lastChange };
  }
}
