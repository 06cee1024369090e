import { Controller, Get, Inject } from '@nestjs/common';
import { Roles } from '@homelab/auth';
import { ServicesOverviewService, type ServicesOverview } from './services-overview.service.js';

@Controller('api/services')
export class ServicesController {
  constructor(@Inject(ServicesOverviewService) private readonly overview: ServicesOverviewService) {}

  @Get()
  @Roles('viewer')
  list(): Promise<ServicesOverview> {
    return this.overview.overview();
  }
}
