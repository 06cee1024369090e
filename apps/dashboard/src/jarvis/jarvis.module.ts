import { Global, Module } from '@nestjs/common';
import { JarvisToolRegistry } from '@homelab/jarvis';
import { DomainsModule } from '../domains/domains.module.js';
import { HostMetricsModule } from '../host-metrics/host-metrics.module.js';
import { GuardApprovalListener } from './guard-approval.listener.js';
import { JarvisReadTools } from './jarvis-read-tools.js';
import { JarvisController } from './jarvis.controller.js';
import { JarvisLifecycle } from './jarvis.lifecycle.js';
import { jarvisProviders } from './jarvis.providers.js';

/**
 * Jarvis, the AI operator (docs/dashboard-api.md, "Jarvis"): conversations,
 * streamed turns with tool calls, approvals inline. Global, so every feature
 * module can inject the `JarvisToolRegistry` and register its reading tools;
 * commands go only to jarvis-guard over NATS.
 */
@Global()
@Module({
  imports: [HostMetricsModule, DomainsModule],
  controllers: [JarvisController],
  providers: [...jarvisProviders, JarvisReadTools, GuardApprovalListener, JarvisLifecycle],
  exports: [JarvisToolRegistry],
})
export class JarvisModule {}
