import type { Provider } from '@nestjs/common';
import { createJarvis, JarvisService, JarvisToolRegistry, type Jarvis } from '@homelab/jarvis';
import { ServiceRuntime } from '@homelab/platform';
import { redactor } from '@homelab/secrets';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { JARVIS } from './jarvis.tokens.js';

export const jarvisProviders: Provider[] = [
  // feature modules add their (reading) tools to this one registry; JarvisModule is global
  { provide: JarvisToolRegistry, useFactory: () => new JarvisToolRegistry() },
  {
    provide: JARVIS,
    inject: [JarvisToolRegistry, DASHBOARD_CONFIG, DASHBOARD_POOL, ServiceRuntime],
    useFactory: (registry: JarvisToolRegistry, config: DashboardConfig, pool: Pool, runtime: ServiceRuntime): Jarvis =>
      createJarvis({
        registry,
        pool,
        // commands leave only through the platform's RpcClient, to jarvis-guard
        rpc: runtime.rpc,
        logger: runtime.logger.child({ component: 'jarvis' }),
        instanceId: runtime.instanceId,
        model: {
          baseUrl: config.JARVIS_MODEL_BASE_URL,
          model: config.JARVIS_MODEL,
          apiKey: config.JARVIS_MODEL_API_KEY,
          timeoutMs: config.JARVIS_MODEL_TIMEOUT_MS,
        },
        maxToolRounds: config.JARVIS_MAX_TOOL_ROUNDS,
        approvalWaitMs: config.JARVIS_APPROVAL_WAIT_MS,
        // the dashboard's own secrets (database and NATS passwords, keys…) never reach the model
        redact: (text) => redactor.redact(text),
      }),
  },
  { provide: JarvisService, inject: [JARVIS], useFactory: (jarvis: Jarvis) => jarvis.service },
];
