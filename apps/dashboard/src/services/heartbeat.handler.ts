import { Controller, Inject } from '@nestjs/common';
import { heartbeatContracts, type Heartbeat } from '@homelab/contracts';
import { EventHandler, LOGGER, ServiceDatabase } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { ServiceDirectory } from './service-directory.js';
import { ServiceObservationsRepository } from './service-observations.repository.js';
import { ServicesOverviewService } from './services-overview.service.js';

/**
 * Every dashboard replica sees every heartbeat, so each has the full
 * picture; status changes are kept as uptime history.
 */
@Controller()
export class HeartbeatHandler {
  constructor(
    @Inject(ServiceDirectory) private readonly directory: ServiceDirectory,
    @Inject(ServiceObservationsRepository) private readonly observations: ServiceObservationsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ServicesOverviewService) private readonly overview: ServicesOverviewService,
    @Inject(ServiceDatabase) private readonly database: ServiceDatabase,
  ) {}

  private async seen(beat: Heartbeat): Promise<void> {
    this.directory.record(beat);
    this.overview.observe(beat);
    // until the migrations are applied there is no table; the next beat after that records it
    if (!this.database.ready || !this.directory.needsHistory(beat)) return;
    try {
      const change = await this.observations.record(beat.service, beat.instanceId, beat.status, beat.down);
      this.directory.markRecorded(beat);
      this.overview.noteChange(beat.service, change);
    } catch (error) {
      // the live view already has the beat; the next beat retries the history
      this.logger.warn({ err: error, service: beat.service }, 'Could not record a service status change');
    }
  }

  @EventHandler(heartbeatContracts.dashboard, { everyReplica: true })
  dashboard(beat: Heartbeat): Promise<void> {
    return this.seen(beat);
  }

  @EventHandler(heartbeatContracts['jarvis-guard'], { everyReplica: true })
  jarvisGuard(beat: Heartbeat): Promise<void> {
    return this.seen(beat);
  }

  @EventHandler(heartbeatContracts['stream-bot'], { everyReplica: true })
  streamBot(beat: Heartbeat): Promise<void> {
    return this.seen(beat);
  }

  @EventHandler(heartbeatContracts['discord-bot'], { everyReplica: true })
  discordBot(beat: Heartbeat): Promise<void> {
    return this.seen(beat);
  }

  @EventHandler(heartbeatContracts.automation, { everyReplica: true })
  automation(beat: Heartbeat): Promise<void> {
    return this.seen(beat);
  }
}
