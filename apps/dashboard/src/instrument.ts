// First import of main.ts: tracing must wrap node:http before Fastify loads.
import { processEnvironment, tracingSettings } from '@homelab/config';
import { startTracing } from '@homelab/tracing';

startTracing({ serviceName: 'dashboard', ...tracingSettings(processEnvironment()) });
