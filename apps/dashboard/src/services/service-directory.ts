import { Injectable } from '@nestjs/common';
import type { Heartbeat, ServiceName } from '@homelab/contracts';
import type { ServiceInstance } from '@homelab/dashboard-api';

/** An instance heard from recently (`ServiceInstance` of the API). */
export type InstanceSighting = ServiceInstance;

/**
 * Who is alive, from heartbeats. An instance not heard from for three
 * intervals is forgotten.
 */
@Injectable()
export class ServiceDirectory {
  private readonly instances = new Map<ServiceName, Map<string, InstanceSighting & { seenAt: number }>>();
  /** The status last written to the history, per instance (`service/instance`). */
  private readonly recorded = new Map<string, Heartbeat['status']>();

  constructor(private readonly forgetAfterMs = 15_000) {}

  /** How long a sighting stays valid. */
  get windowMs(): number {
    return this.forgetAfterMs;
  }

  /** Remembers the heartbeat. */
  record(beat: Heartbeat, now = Date.now()): void {
    let byId = this.instances.get(beat.service);
    if (!byId) this.instances.set(beat.service, (byId = new Map()));
    byId.set(beat.instanceId, {
      instanceId: beat.instanceId,
      httpUrl: beat.httpUrl,
      status: beat.status,
      down: beat.down,
      lastSeenAt: new Date(now).toISOString(),
      seenAt: now,
    });
  }

  /** True until this instance's current status has been written to the history. */
  needsHistory(beat: Heartbeat): boolean {
    return this.recorded.get(`${beat.service}/${beat.instanceId}`) !== beat.status;
  }

  markRecorded(beat: Heartbeat): void {
    this.recorded.set(`${beat.service}/${beat.instanceId}`, beat.status);
  }

  alive(service: ServiceName, now = Date.now()): InstanceSighting[] {
    const byId = this.instances.get(service);
    if (!byId) return [];
    const result: InstanceSighting[] = [];
    for (const [id, sighting] of byId) {
      if (now - sighting.seenAt > this.forgetAfterMs) {
        byId.delete(id);
        this.recorded.delete(`${service}/${id}`);
        continue;
      }
      const { seenAt: _seenAt, ...visible } = sighting;
      result.push(visible);
    }
    return result;
  }
}
