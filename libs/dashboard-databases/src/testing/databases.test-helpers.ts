import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import type { DockerHostEndpoint, DockerHostRegistry } from '@homelab/dashboard-docker';
import type { AlertCondition, AlertSink } from '@homelab/dashboard-monitors';
import { DataCipher, parseKeyRing } from '@homelab/secrets';
import { createLogger, type Logger } from '@homelab/tracing';

export { dockerFakeEngine, type DockerFakeEngine, type DockerFakeExecRequest } from '@homelab/testing';

/** One host named `local` over the fake's socket: the registry the dashboard builds from DOCKER_HOSTS, minus TLS. */
export function fakeRegistry(socketPath: string, name = 'local'): DockerHostRegistry {
  const client = new Docker({ socketPath });
  const endpoint: DockerHostEndpoint = { name, kind: 'unix', endpoint: `unix://${socketPath}` };
  return {
    hosts: () => [endpoint],
    client: (host) => {
      if (host !== name) throw Object.assign(new Error(`No Docker host is called "${host}"`), { code: 'DOCKER_HOST_UNKNOWN' });
      return client;
    },
    defaultHost: () => name,
  };
}

/** Remembers what was raised and resolved, with the open alerts per key (as the real sink keeps them). */
export class RecordingAlertSink implements AlertSink {
  readonly raised: AlertCondition[] = [];
  readonly resolved: string[] = [];
  readonly open = new Map<string, AlertCondition>();

  async raise(condition: AlertCondition): Promise<void> {
    this.raised.push(condition);
    this.open.set(condition.key, condition);
  }

  async resolve(key: string): Promise<void> {
    this.resolved.push(key);
    this.open.delete(key);
  }
}

/** A cipher with a key made for this test run. */
export function testCipher(): DataCipher {
  return new DataCipher(parseKeyRing(`test:${randomBytes(32).toString('base64')}`));
}

export const silentLogger: Logger = createLogger({ service: 'spec', instanceId: 'spec', level: 'silent', redact: (s) => s });

/** Fast timings for tests (the fake's health checks answer in milliseconds). */
export const fastTiming = {
  readyTimeoutMs: 5000,
  readyPollMs: 20,
  backupTimeoutMs: 20_000,
  schedulerRefreshMs: 60_000,
  healthCacheMs: 0,
  shutdownWaitMs: 1000,
};
