import { streamBotConfig } from '@homelab/config';
import { defineService } from '@homelab/platform';

export const serviceSpec = defineService({ service: 'stream-bot', configSchema: streamBotConfig, moduleUrl: import.meta.url });
