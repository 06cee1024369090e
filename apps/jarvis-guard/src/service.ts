import { jarvisGuardConfig } from '@homelab/config';
import { defineService } from '@homelab/platform';
import { PingHandler } from './system/ping.handler.js';

export const serviceSpec = defineService({
  service: 'jarvis-guard',
  configSchema: jarvisGuardConfig,
  moduleUrl: import.meta.url,
  parts: () => ({ controllers: [PingHandler] }),
});
