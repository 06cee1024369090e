import { Controller, Inject } from '@nestjs/common';
import { heartbeatContracts, type Heartbeat } from '@homelab/contracts';
import { EventHandler } from '@homelab/platform';
import { ServiceDirectory } from './service-directory.js';

/** Every dashboard replica sees every heartbeat, so each has the full picture. */
@Controller()
export class HeartbeatHandler {
  constructor(@Inject(ServiceDirectory) private readonly directory: ServiceDirectory) {}

  @EventHandler(heartbeatContracts.dashboard, { everyReplica: true })
  dashboard(beat: Heartbeat): void {
    this.directory.record(beat);
  }

  @EventHandler(heartbeatContracts['jarvis-guard'], { everyReplica: true })
  jarvisGuard(beat: Heartbeat): void {
    this.directory.record(beat);
  }

  @EventHandler(heartbeatContracts['stream-bot'], { everyReplica: true })
  streamBot(beat: Heartbeat): void {
    this.directory.record(beat);
  }

  @EventHandler(heartbeatContracts['discord-bot'], { everyReplica: true })
  discordBot(beat: Heartbeat): void {
    this.directory.record(beat);
  }

  @EventHandler(heartbeatContracts.automation, { everyReplica: true })
  automation(beat: Heartbeat): void {
    this.directory.record(beat);
  }
}
