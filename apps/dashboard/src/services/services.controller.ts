import { Controller, Get, Inject } from '@nestjs/common';
import { ServicesOverviewService } from './services-overview.service.js';

@Controller('api/services')
export class ServicesController {
  constructor(@Inject(ServicesOverviewService) private readonly overview: ServicesOverviewService) {}

  @Get()
  list() {
    return this.overview.overview();
  }
}
