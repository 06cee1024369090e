import { Controller, Get, Inject } from '@nestjs/common';
import { Roles } from '@homelab/auth';
import type { Overview } from '@homelab/dashboard-monitors';
import { OverviewService } from './overview.service.js';

@Controller('api/overview')
export class OverviewController {
  constructor(@Inject(OverviewService) private readonly overview: OverviewService) {}

  @Get()
  @Roles('viewer')
  get(): Promise<Overview> {
    return this.overview.overview();
  }
}
