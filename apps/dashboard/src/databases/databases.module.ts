import { Module } from '@nestjs/common';
import { DatabasesController } from './databases.controller.js';
import { DatabasesLifecycle } from './databases.lifecycle.js';
import { databasesProviders } from './databases.providers.js';

/** One-click databases: templates, creation, credentials, scheduled backups and restores. */
@Module({
  controllers: [DatabasesController],
  providers: [...databasesProviders, DatabasesLifecycle],
})
export class DatabasesModule {}
