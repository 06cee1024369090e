import { automationConfig } from '@homelab/config';
import { defineService } from '@homelab/platform';

export const serviceSpec = defineService({ service: 'automation', configSchema: automationConfig, moduleUrl: import.meta.url });
