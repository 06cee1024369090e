import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { Roles } from '@homelab/auth';
import type { CatalogHistory, CatalogSource } from '@homelab/dashboard-api';
import {
  parseCatalogSourceBody,
  parseHistoryQuery,
  type CatalogFile,
  type CatalogMonitor,
  type CatalogStatus,
  type CatalogView,
} from '@homelab/dashboard-monitors';
import { CATALOG_FILE, CATALOG_MONITOR } from './monitors.tokens.js';

@Controller('api/catalog')
export class CatalogController {
  constructor(
    @Inject(CATALOG_FILE) private readonly catalog: CatalogFile,
    @Inject(CATALOG_MONITOR) private readonly monitor: CatalogMonitor,
  ) {}

  @Get()
  @Roles('viewer')
  view(): Promise<CatalogView> {
    return this.monitor.view();
  }

  @Get('source')
  @Roles('admin')
  source(): Promise<CatalogSource> {
    return this.catalog.source();
  }

  @Put('source')
  @Roles('admin')
  async replace(@Body() body: unknown): Promise<CatalogView> {
    await this.catalog.replace(parseCatalogSourceBody(body).yaml);
    return this.monitor.view();
  }

  @Get(':id/history')
  @Roles('viewer')
  history(@Param('id') id: string, @Query() query: unknown): Promise<CatalogHistory> {
    return this.monitor.history(id, parseHistoryQuery(query).range);
  }

  @Post(':id/check')
  @Roles('admin')
  @HttpCode(200)
  check(@Param('id') id: string): Promise<CatalogStatus> {
    return this.monitor.checkNow(id);
  }
}
