import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { createPrismaPgAdapter } from '@homelab/database';
import type { ServiceRuntime } from '@homelab/platform';
import { DASHBOARD_CONFIG, type DashboardConfig } from './dashboard-config.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The dashboard's Prisma client (on the service's pool, which the platform closes on shutdown). */
export const DASHBOARD_PRISMA = Symbol('DASHBOARD_PRISMA');
/** The service's pg pool, for the feature libraries that speak SQL. */
export const DASHBOARD_POOL = Symbol('DASHBOARD_POOL');
export type { Pool };

/** What every dashboard feature module may inject: the typed configuration, Prisma and the pool. */
@Global()
@Module({})
export class DashboardCoreModule {
  static forRoot(runtime: ServiceRuntime, config: DashboardConfig): DynamicModule {
    const providers = [
      { provide: DASHBOARD_CONFIG, useValue: config },
      { provide: DASHBOARD_PRISMA, useValue: new PrismaClient({ adapter: createPrismaPgAdapter(runtime.database.pool) }) },
      { provide: DASHBOARD_POOL, useValue: runtime.database.pool },
    ];
    return { module: DashboardCoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
