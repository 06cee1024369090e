import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HostMetrics, SampleEventStreams } from '@homelab/dashboard-metrics';

/** Starts sampling and downsampling with the app; ends live streams and stops both on shutdown. */
@Injectable()
export class HostMetricsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(HostMetrics) private readonly metrics: HostMetrics,
    @Inject(SampleEventStreams) private readonly streams: SampleEventStreams,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // open streams would hold the HTTP server's close
    this.streams.closeAll();
    await this.metrics.stop();
  }
}
