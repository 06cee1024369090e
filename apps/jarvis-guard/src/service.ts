import { Module, type DynamicModule } from '@nestjs/common';
import { jarvisGuardConfig } from '@homelab/config';
import { packageVersion, PlatformModule, type ServiceRuntime, type ServiceSpec } from '@homelab/platform';
import { PingHandler } from './system/ping.handler.js';

@Module({})
class AppModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return { module: AppModule, imports: [PlatformModule.forRoot(runtime)], controllers: [PingHandler] };
  }
}

export const serviceSpec: ServiceSpec<typeof jarvisGuardConfig> = {
  service: 'jarvis-guard',
  version: packageVersion(import.meta.url),
  configSchema: jarvisGuardConfig,
  migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname,
  module: (runtime) => AppModule.register(runtime),
};
