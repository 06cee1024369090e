/** The five services, their subject token and default HTTP port. */
export const services = {
  dashboard: { subjectToken: 'dashboard', defaultHttpPort: 3000 },
  'stream-bot': { subjectToken: 'streambot', defaultHttpPort: 3001 },
  'discord-bot': { subjectToken: 'discordbot', defaultHttpPort: 3002 },
  'jarvis-guard': { subjectToken: 'guard', defaultHttpPort: 3003 },
  automation: { subjectToken: 'automation', defaultHttpPort: 3004 },
} as const;

export type ServiceName = keyof typeof services;
export const serviceNames = Object.keys(services) as ServiceName[];

export function isServiceName(value: string): value is ServiceName {
  return Object.hasOwn(services, value);
}
