import { Inject, Injectable } from '@nestjs/common';
import type { ServiceName } from '@homelab/contracts';
import type { ServiceStatusChange } from '@homelab/dashboard-api';
import { DASHBOARD_PRISMA } from '../core.module.js';
import { PrismaClient } from '../generated/prisma/client.js';

export type StatusChange = ServiceStatusChange;

/** Health changes the dashboard has seen, kept as uptime history. */
@Injectable()
export class ServiceObservationsRepository {
  constructor(@Inject(DASHBOARD_PRISMA) private readonly prisma: PrismaClient) {}

  async record(service: ServiceName, instanceId: string, status: 'up' | 'down', down: string[]): Promise<StatusChange> {
    const row = await this.prisma.serviceObservation.create({ data: { service, instanceId, status, details: { down } } });
    return { status: row.status, instanceId: row.instanceId, at: row.observedAt.toISOString() };
  }

  /** The latest change per service. */
  async latestChanges(): Promise<Map<string, StatusChange>> {
    const rows = await this.prisma.serviceObservation.findMany({
      distinct: ['service'],
      orderBy: [{ service: 'asc' }, { observedAt: 'desc' }],
      select: { service: true, status: true, instanceId: true, observedAt: true },
    });
    return new Map(rows.map((r) => [r.service, { status: r.status, instanceId: r.instanceId, at: r.observedAt.toISOString() }]));
  }
}
