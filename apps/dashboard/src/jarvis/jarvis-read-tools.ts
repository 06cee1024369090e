import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@homelab/contracts';
import type { LogLine } from '@homelab/dashboard-api';
import type { DockerFeature } from '@homelab/dashboard-docker';
import { HostMetricsService } from '@homelab/dashboard-metrics';
import { DomainChecker, normalizeHostname } from '@homelab/dashboard-monitors';
import {
  createContainerLogsTool,
  createDomainCheckTool,
  createHostMetricsTool,
  createListContainersTool,
  JarvisToolRegistry,
  type ContainersSource,
  type DomainCheckSource,
} from '@homelab/jarvis';
import { DOCKER_FEATURE } from '../containers/containers.tokens.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';

class InvalidHostnameError extends DomainError {
  constructor(name: string, why: string) {
    super(DomainErrorKind.Invalid, 'INVALID_HOSTNAME', `"${name}" ${why}`, { hostname: name });
  }
}

/**
 * Jarvis's reading tools over the dashboard's own features: host metrics,
 * the container inventory and logs (no following), and the domains
 * feature's checker. They only read.
 */
@Injectable()
export class JarvisReadTools implements OnModuleInit {
  constructor(
    @Inject(JarvisToolRegistry) private readonly registry: JarvisToolRegistry,
    @Inject(DOCKER_FEATURE) private readonly docker: DockerFeature,
    @Inject(HostMetricsService) private readonly metrics: HostMetricsService,
    @Inject(DomainChecker) private readonly checker: DomainChecker,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register(createHostMetricsTool({ current: (host) => this.metrics.current(host), history: (range, host) => this.metrics.history(range, host) }));
    const containers = this.containers();
    this.registry.register(createListContainersTool(containers));
    this.registry.register(createContainerLogsTool(containers));
    this.registry.register(createDomainCheckTool(this.domains()));
  }

  private containers(): ContainersSource {
    const { inventory, logs } = this.docker;
    return {
      list: (host) => ({
        containers: inventory.containers(host),
        hosts: host === undefined ? inventory.hostViews() : [inventory.host(host).view()],
      }),
      logTail: async (host, container, lines) => {
        const collected: LogLine[] = [];
        const session = await logs.open(host, container, { tail: lines, follow: false, timestamps: true }, (batch) => collected.push(...batch));
        await session.done;
        return collected;
      },
    };
  }

  private domains(): DomainCheckSource {
    const thresholds = { warnDays: this.config.TLS_WARN_DAYS, criticalDays: this.config.TLS_CRITICAL_DAYS };
    return {
      check: async (target) => {
        const normalized = normalizeHostname(target.name);
        if ('error' in normalized) throw new InvalidHostnameError(target.name, normalized.error);
        const { thresholds: _used, ...check } = await this.checker.check({ ...target, name: normalized.name }, thresholds);
        return check;
      },
    };
  }
}
