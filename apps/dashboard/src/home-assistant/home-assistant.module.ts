import { Module } from '@nestjs/common';
import { ConfigError } from '@homelab/config';
import { HomeAssistant } from '@homelab/dashboard-homeassistant';
import { ServiceRuntime } from '@homelab/platform';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { HomeAssistantController } from './home-assistant.controller.js';
import { HomeAssistantLifecycle } from './home-assistant.lifecycle.js';

/** Both or neither: one without the other is a mistake worth stopping for, not a silently disabled panel. */
function checkConfig(config: DashboardConfig): void {
  if (config.HOME_ASSISTANT_URL && !config.HOME_ASSISTANT_TOKEN) throw new ConfigError('HOME_ASSISTANT_TOKEN', 'must be set when HOME_ASSISTANT_URL is');
  if (config.HOME_ASSISTANT_TOKEN && !config.HOME_ASSISTANT_URL) throw new ConfigError('HOME_ASSISTANT_URL', 'must be set when HOME_ASSISTANT_TOKEN is');
}

/**
 * Home Assistant (docs/dashboard-api.md, "Home Assistant"): each replica
 * keeps its own WebSocket connection and entity cache; the last known states
 * are also kept in `home_assistant_snapshot`, so a replica started while
 * Home Assistant is offline shows them (stale). Unconfigured, nothing runs
 * and the API says `configured: false`.
 */
@Module({
  controllers: [HomeAssistantController],
  providers: [
    {
      provide: HomeAssistant,
      inject: [DASHBOARD_CONFIG, DASHBOARD_POOL, ServiceRuntime],
      useFactory: (config: DashboardConfig, pool: Pool, runtime: ServiceRuntime) => {
        checkConfig(config);
        return new HomeAssistant({
          url: config.HOME_ASSISTANT_URL,
          token: config.HOME_ASSISTANT_TOKEN,
          logger: runtime.logger.child({ component: 'home-assistant' }),
          pool,
          // the platform applies migrations in the background; this is the same promise, not a second run
          databaseReady: runtime.database.start(),
        });
      },
    },
    HomeAssistantLifecycle,
  ],
})
export class HomeAssistantModule {}
