import { Module, type DynamicModule } from '@nestjs/common';
import { streamBotConfig } from '@homelab/config';
import { packageVersion, PlatformModule, type ServiceRuntime, type ServiceSpec } from '@homelab/platform';

@Module({})
class AppModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return { module: AppModule, imports: [PlatformModule.forRoot(runtime)] };
  }
}

export const serviceSpec: ServiceSpec<typeof streamBotConfig> = {
  service: 'stream-bot',
  version: packageVersion(import.meta.url),
  configSchema: streamBotConfig,
  migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname,
  module: (runtime) => AppModule.register(runtime),
};
