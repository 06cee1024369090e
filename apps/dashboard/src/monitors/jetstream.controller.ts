import { Controller, Get, Inject } from '@nestjs/common';
import { Roles } from '@homelab/auth';
import type { JetStreamHealth, JetStreamReport } from '@homelab/dashboard-monitors';
import { JETSTREAM_HEALTH } from './monitors.tokens.js';

@Controller('api/jetstream')
export class JetStreamController {
  constructor(@Inject(JETSTREAM_HEALTH) private readonly health: JetStreamHealth) {}

  @Get()
  @Roles('viewer')
  report(): Promise<JetStreamReport> {
    return this.health.report();
  }
}
