import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { Roles, type AuthUser } from '@homelab/auth';
import type { DomainList, LatestLinkScan, LinkScanStarted } from '@homelab/dashboard-api';
import { DomainMonitoring, type DomainStatus } from '@homelab/dashboard-monitors';
import { CurrentUser } from '../auth/request-auth.js';

/** docs/dashboard-api.md, "Domains". Validation, errors and the work itself live in @homelab/dashboard-monitors. */
@Controller('api/domains')
export class DomainsController {
  constructor(@Inject(DomainMonitoring) private readonly domains: DomainMonitoring) {}

  @Get()
  @Roles('viewer')
  async list(): Promise<DomainList> {
    return { domains: await this.domains.service.list() };
  }

  @Post()
  @Roles('admin')
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<DomainStatus> {
    return this.domains.service.create(body, user?.username ?? null);
  }

  @Patch(':id')
  @Roles('admin')
  update(@Param('id') id: string, @Body() body: unknown): Promise<DomainStatus> {
    return this.domains.service.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.domains.service.remove(id);
  }

  @Post(':id/check')
  @Roles('admin')
  @HttpCode(200)
  check(@Param('id') id: string): Promise<DomainStatus> {
    return this.domains.service.checkNow(id);
  }

  @Post(':id/scan')
  @Roles('admin')
  @HttpCode(202)
  async scan(@Param('id') id: string): Promise<LinkScanStarted> {
    return { scan: await this.domains.service.startScan(id) };
  }

  @Get(':id/scans/latest')
  @Roles('viewer')
  async latestScan(@Param('id') id: string): Promise<LatestLinkScan> {
    return { scan: await this.domains.service.latestScan(id) };
  }
}
