import type Docker from 'dockerode';
import type { DatabaseEngine } from './database.types.js';
import type { DatabaseTemplate, TemplateCredentials } from './templates/database-template.js';

/** Labels every managed database container carries (the containers view and clean-up scripts find them by these). */
export const MANAGED_LABEL = 'homelab.managed';
export const DATABASE_ID_LABEL = 'homelab.database.id';

export interface ContainerSpecInput {
  id: string;
  name: string;
  engine: DatabaseEngine;
  containerName: string;
  volume: string;
  template: DatabaseTemplate;
  credentials: TemplateCredentials;
  /** null: Docker picks a free port. */
  hostPort: number | null;
  /** The host address the port is published on; 127.0.0.1 unless the operator asked otherwise. */
  bindAddress: string;
}

const NANOS_PER_SECOND = 1_000_000_000;

/** The `POST /containers/create` body for one database (with `name`, which dockerode moves to the query). */
export function containerCreateOptions(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  const { template } = input;
  const port = `${template.port}/tcp`;
  const health = template.healthcheck;
  return {
    name: input.containerName,
    Image: template.image,
    Env: template.environment(input.credentials),
    ...(template.cmd ? { Cmd: template.cmd } : {}),
    User: template.user,
    ExposedPorts: { [port]: {} },
    Labels: {
      [MANAGED_LABEL]: 'database',
      [DATABASE_ID_LABEL]: input.id,
      'homelab.database.name': input.name,
      'homelab.database.engine': input.engine,
    },
    Healthcheck: {
      Test: health.test,
      Interval: health.intervalSeconds * NANOS_PER_SECOND,
      Timeout: health.timeoutSeconds * NANOS_PER_SECOND,
      Retries: health.retries,
      StartPeriod: health.startPeriodSeconds * NANOS_PER_SECOND,
      StartInterval: health.startIntervalSeconds * NANOS_PER_SECOND,
    },
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: input.volume, Target: template.dataPath }],
      PortBindings: { [port]: [{ HostIp: input.bindAddress, HostPort: input.hostPort === null ? '' : String(input.hostPort) }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      // no swap on top: a database that outgrows its limit should say so, not crawl
      Memory: template.memoryBytes,
      MemorySwap: template.memoryBytes,
      PidsLimit: 1024,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
    },
  };
}
