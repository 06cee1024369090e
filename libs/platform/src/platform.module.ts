import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PlatformExceptionFilter } from './http/platform-exception.filter.js';
import { ServiceMetrics } from '@homelab/tracing';
import { ServiceDatabase } from './database/service-database.js';
import { HealthController } from './health/health.controller.js';
import { healthHandlerFor } from './health/health.handler.js';
import { HealthService } from './health/health.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { NatsConnectionManager } from './nats/nats-connection.js';
import { RpcClient } from './rpc/rpc-client.js';
import { ServiceRuntime } from './runtime.js';

export const LOGGER = Symbol('LOGGER');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/**
 * Health, metrics, the NATS health handler and the shared runtime pieces,
 * available to every module of the app.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    const providers = [
      { provide: ServiceRuntime, useValue: runtime },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: SERVICE_CONFIG, useValue: runtime.config },
      { provide: ServiceMetrics, useValue: runtime.metrics },
      { provide: NatsConnectionManager, useValue: runtime.nats },
      { provide: RpcClient, useValue: runtime.rpc },
      { provide: ServiceDatabase, useValue: runtime.database },
      { provide: HealthService, useValue: runtime.health },
    ];
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController, healthHandlerFor(runtime.service)],
      providers: [...providers, { provide: APP_FILTER, useFactory: () => new PlatformExceptionFilter(runtime.logger) }],
      exports: providers.map((p) => p.provide),
    };
  }
}
