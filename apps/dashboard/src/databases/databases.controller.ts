import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { Roles, type AuthUser } from '@homelab/auth';
import type { BackupList, DatabaseList, DatabaseTemplateList, RestoreList } from '@homelab/dashboard-api';
import {
  DatabasesService,
  type Backup,
  type DatabaseCredentials,
  type ManagedDatabase,
  type Restore,
} from '@homelab/dashboard-databases';
import { CurrentUser } from '../auth/request-auth.js';

/** One-click databases (docs/dashboard-api.md, "One-click databases"); bodies are validated by the service. */
@Controller('api/databases')
export class DatabasesController {
  constructor(@Inject(DatabasesService) private readonly databases: DatabasesService) {}

  @Get('templates')
  @Roles('viewer')
  templates(): DatabaseTemplateList {
    return { templates: this.databases.templates() };
  }

  @Get()
  @Roles('viewer')
  async list(): Promise<DatabaseList> {
    return { databases: await this.databases.list() };
  }

  @Post()
  @Roles('admin')
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<ManagedDatabase> {
    return this.databases.create(body, user?.username ?? null);
  }

  @Patch(':id')
  @Roles('admin')
  update(@Param('id') id: string, @Body() body: unknown): Promise<ManagedDatabase> {
    return this.databases.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Body() body: unknown): Promise<void> {
    await this.databases.remove(id, body);
  }

  @Get(':id/credentials')
  @Roles('admin')
  credentials(@Param('id') id: string, @CurrentUser() user: AuthUser | undefined): Promise<DatabaseCredentials> {
    return this.databases.credentials(id, user?.username ?? null);
  }

  @Get(':id/backups')
  @Roles('viewer')
  async backups(@Param('id') id: string): Promise<BackupList> {
    return { backups: await this.databases.backups(id) };
  }

  @Post(':id/backups')
  @Roles('admin')
  @HttpCode(202)
  backup(@Param('id') id: string): Promise<Backup> {
    return this.databases.startBackup(id);
  }

  @Post(':id/restore')
  @Roles('admin')
  @HttpCode(202)
  restore(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<Restore> {
    return this.databases.restore(id, body, user?.username ?? null);
  }

  @Get(':id/restores')
  @Roles('viewer')
  async restores(@Param('id') id: string): Promise<RestoreList> {
    return { restores: await this.databases.restores(id) };
  }
}
