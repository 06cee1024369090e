import { discordBotConfig } from '@homelab/config';
import { defineService } from '@homelab/platform';

export const serviceSpec = defineService({ service: 'discord-bot', configSchema: discordBotConfig, moduleUrl: import.meta.url });
