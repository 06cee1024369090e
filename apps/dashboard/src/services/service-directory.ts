import { Injectable } from '@nestjs/common';
import type { Heartbeat, ServiceName } from '@homelab/contracts';

export interface InstanceSighting {
  instanceId: string;
  httpUrl: string;
  status: Heartbeat['status'];
  down: string[];
  lastSeenAt: string;
}

/**
 * Who is alive, from heartbeats. An instance not heard from for three
 * intervals is forgotten.
 */
@Injectable()
export class ServiceDirectory {
  private readonly instances = new Map<ServiceName, Map<string, InstanceSighting & { seenAt: number }>>();

  constructor(private readonly forgetAfterMs = 15_000) {}

  /** Remembers the heartbeat; says whether the instance is new or its status changed. */
  record(beat: Heartbeat, now = Date.now()): 'new' | 'changed' | 'same' {
    let byId = this.instances.get(beat.service);
    if (!byId) this.instances.set(beat.service, (byId = new Map()));
    const previous = byId.get(beat.instanceId);
    byId.set(beat.instanceId, {
      instanceId: beat.instanceId,
      httpUrl: beat.httpUrl,
      status: beat.status,
      down: beat.down,
      lastSeenAt: new Date(now).toISOString(),
      seenAt: now,
    });
    if (!previous || now - previous.seenAt > this.forgetAfterMs) return 'new';
    return previous.status === beat.status ? 'same' : 'changed';
  }

  alive(service: ServiceName, now = Date.now()): InstanceSighting[] {
    const byId = this.instances.get(service);
    if (!byId) return [];
    const result: InstanceSighting[] = [];
    for (const [id, sighting] of byId) {
      if (now - sighting.seenAt > this.forgetAfterMs) {
        byId.delete(id);
        continue;
      }
      const { seenAt: _seenAt, ...visible } = sighting;
      result.push(visible);
    }
    return result;
  }
}
