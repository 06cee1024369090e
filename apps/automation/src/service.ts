import { Module, type DynamicModule } from '@nestjs/common';
import { automationConfig } from '@homelab/config';
import { packageVersion, PlatformModule, type ServiceRuntime, type ServiceSpec } from '@homelab/platform';

@Module({})
class AppModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return { module: AppModule, imports: [PlatformModule.forRoot(runtime)] };
  }
}

export const serviceSpec: ServiceSpec<typeof automationConfig> = {
  service: 'automation',
  version: packageVersion(import.meta.url),
  configSchema: automationConfig,
  migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname,
  module: (runtime) => AppModule.register(runtime),
};
