import { z } from 'zod';
import { defineEvent, defineRpc, type EventContract, type RpcContract } from '../contract.js';
import { serviceNames, services, type ServiceName } from '../services.js';

export const dependencyStatus = z.object({
  status: z.enum(['up', 'down']),
  /** Why it is down, without secrets. */
  error: z.string().max(500).optional(),
  latencyMs: z.number().nonnegative().optional(),
});

export const serviceHealth = z.object({
  service: z.enum(serviceNames as [ServiceName, ...ServiceName[]]),
  instanceId: z.string().min(1).max(100),
  status: z.enum(['up', 'down']),
  /** Names of the dependencies that are down. */
  down: z.array(z.string()),
  checks: z.record(z.string(), dependencyStatus),
  version: z.string().max(50),
  startedAt: z.iso.datetime(),
  uptimeSeconds: z.number().nonnegative(),
});
export type ServiceHealth = z.infer<typeof serviceHealth>;
export type DependencyStatus = z.infer<typeof dependencyStatus>;

export const heartbeat = serviceHealth.extend({
  httpUrl: z.string().max(200),
  sentAt: z.iso.datetime(),
});
export type Heartbeat = z.infer<typeof heartbeat>;

function healthContract(service: ServiceName) {
  return defineRpc({
    subject: `${services[service].subjectToken}.health.get`,
    owner: service,
    description: `Health of ${service}: each dependency and whether it is up.`,
    request: z.object({}).strict(),
    response: serviceHealth,
    timeoutMs: 2000,
  });
}

function heartbeatContract(service: ServiceName) {
  return defineEvent({
    subject: `${services[service].subjectToken}.service.heartbeat`,
    owner: service,
    description: `${service} announces itself and its health every few seconds.`,
    payload: heartbeat,
  });
}

type HealthContract = ReturnType<typeof healthContract>;
type HeartbeatContract = ReturnType<typeof heartbeatContract>;

export const healthContracts = Object.fromEntries(serviceNames.map((s) => [s, healthContract(s)])) as Record<
  ServiceName,
  HealthContract
>;

export const heartbeatContracts = Object.fromEntries(serviceNames.map((s) => [s, heartbeatContract(s)])) as Record<
  ServiceName,
  HeartbeatContract
>;

export const platformContracts: readonly (RpcContract | EventContract)[] = [
  ...Object.values(healthContracts),
  ...Object.values(heartbeatContracts),
];
