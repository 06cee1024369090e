import { heartbeatContracts, type ServiceName } from '@homelab/contracts';
import type { Logger } from '@homelab/tracing';
import type { HealthService } from '../health/health.service.js';
import type { RpcClient } from '../rpc/rpc-client.js';

/** Announces the service and its health on NATS so the dashboard knows who is alive. */
export class HeartbeatService {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly service: ServiceName,
    private readonly httpUrl: () => string,
    private readonly health: HealthService,
    private readonly rpc: RpcClient,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.stop();
    void this.beat();
    this.timer = setInterval(() => void this.beat(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async beat(): Promise<void> {
    try {
      const health = await this.health.check();
      if (health.checks['nats']?.status === 'down') return;
      await this.rpc.emit(heartbeatContracts[this.service], {
        ...health,
        httpUrl: this.httpUrl(),
        sentAt: new Date().toISOString(),
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'Heartbeat not sent');
    }
  }
}
