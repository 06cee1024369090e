import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainMonitoring } from '@homelab/dashboard-monitors';

/** Starts the periodic domain checks and link scans with the app; stops them (and this replica's scans) on shutdown. */
@Injectable()
export class DomainsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(DomainMonitoring) private readonly domains: DomainMonitoring) {}

  onApplicationBootstrap(): void {
    this.domains.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.domains.stop();
  }
}
