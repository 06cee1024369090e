import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import type { z } from 'zod';
import type { ServiceName } from '@homelab/contracts';
import type { ServiceSpec } from './bootstrap.js';
import { PlatformModule } from './platform.module.js';
import type { ServiceRuntime } from './runtime.js';
import { packageVersion } from './version.js';

/** What an app adds to the platform: its HTTP controllers, NATS handlers and providers. */
export interface ServiceParts {
  controllers?: Type<unknown>[];
  providers?: Provider[];
  imports?: (Type<unknown> | DynamicModule)[];
}

/**
 * An app's composition root: the platform (health, metrics, NATS, database)
 * plus the app's own parts. `moduleUrl` is the app's `import.meta.url`; its
 * version and migrations are found next to it.
 */
export function defineService<S extends z.ZodObject>(options: {
  service: ServiceName;
  configSchema: S;
  moduleUrl: string;
  parts?: (runtime: ServiceRuntime, config: z.output<S>) => ServiceParts;
  configureHttp?: ServiceSpec<S>['configureHttp'];
  httpAdapterOptions?: ServiceSpec<S>['httpAdapterOptions'];
}): ServiceSpec<S> {
  @Module({})
  class AppModule {}

  return {
    service: options.service,
    version: packageVersion(options.moduleUrl),
    configSchema: options.configSchema,
    migrationsDir: new URL('../prisma/migrations', options.moduleUrl).pathname,
    ...(options.configureHttp ? { configureHttp: options.configureHttp } : {}),
    ...(options.httpAdapterOptions ? { httpAdapterOptions: options.httpAdapterOptions } : {}),
    module: (runtime, config) => {
      const parts = options.parts?.(runtime, config) ?? {};
      return {
        module: AppModule,
        imports: [PlatformModule.forRoot(runtime), ...(parts.imports ?? [])],
        controllers: parts.controllers ?? [],
        providers: parts.providers ?? [],
      };
    },
  };
}
