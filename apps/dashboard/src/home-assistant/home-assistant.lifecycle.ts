import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HomeAssistant } from '@homelab/dashboard-homeassistant';
import { JarvisToolRegistry } from '@homelab/jarvis';

/**
 * Registers Jarvis's Home Assistant tool (read-only; only when Home Assistant
 * is configured, so the model is never offered a tool that cannot answer),
 * connects with the app and disconnects on shutdown.
 */
@Injectable()
export class HomeAssistantLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(HomeAssistant) private readonly homeAssistant: HomeAssistant,
    // provided by the global JarvisModule
    @Inject(JarvisToolRegistry) private readonly jarvisTools: JarvisToolRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.homeAssistant.configured) return;
    for (const tool of this.homeAssistant.tools) this.jarvisTools.register(tool);
  }

  onApplicationBootstrap(): void {
    this.homeAssistant.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.homeAssistant.stop();
  }
}
