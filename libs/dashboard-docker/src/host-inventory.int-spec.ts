import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerFake, type DockerFake } from '@homelab/testing';
import type { ContainerStats } from './container-types.js';
import { createDockerHosts, type DockerHosts } from './docker-hosts.js';
import { HostInventory } from './host-inventory.js';

const sample = (cpuPercent: number): ContainerStats => ({
  cpuPercent,
  memoryBytes: 1,
  memoryLimitBytes: 2,
  networkRxBytes: 0,
  networkTxBytes: 0,
  blockReadBytes: 0,
  blockWriteBytes: 0,
  pids: 1,
  at: new Date().toISOString(),
});

/** Real dockerode against the Docker fake; the clock is the test's. */
describe('HostInventory caching', () => {
  let fake: DockerFake;
  let hosts: DockerHosts;
  let inventory: HostInventory;
  let clock = 1_000_000;

  beforeAll(async () => {
    fake = await startDockerFake();
    fake.seedContainer({ name: 'one', image: 'alpine:3.20' });
    fake.seedContainer({ name: 'two', image: 'alpine:3.20', running: false });
    hosts = createDockerHosts({ DOCKER_HOSTS: `local=unix://${fake.socketPath}`, DOCKER_TIMEOUT_MS: 2000, DOCKER_REFRESH_INTERVAL_MS: 60_000 });
    inventory = new HostInventory(hosts.spec('local'), { client: hosts.client('local'), streaming: hosts.streamingClient('local') }, { refreshIntervalMs: 60_000, timeoutMs: 2000, now: () => clock });
    await inventory.start();
  });
  afterAll(async () => {
    await inventory?.stop();
    hosts?.close();
    await fake?.close();
  });

  it('keeps the serialised answer until something changes', () => {
    const first = inventory.serialized();
    expect(inventory.serialized()).toBe(first);
    expect(JSON.parse(`[${first.containers}]`)).toHaveLength(2);
    expect(JSON.parse(first.host)).toMatchObject({ name: 'local', status: 'up', containers: { total: 2, running: 1 } });
  });

  it('merges stats at most once a second, and ignores stats of containers that do not run', () => {
    const running = inventory.runningIds()[0] as string;
    const stopped = inventory.summaries().find((s) => s.State !== 'running')?.Id as string;
    const before = inventory.version;
    inventory.setStats(stopped, sample(9));
    expect(inventory.version).toBe(before);
    inventory.setStats(running, sample(1));
    const merged = inventory.version;
    expect(merged).toBe(before + 1);
    inventory.setStats(running, sample(2));
    expect(inventory.version).toBe(merged);
    expect(inventory.viewOf(running)?.cpuPercent).toBe(2);
    clock += 1000;
    expect(inventory.version).toBe(merged + 1);
    expect(inventory.version).toBe(merged + 1);
    expect(JSON.parse(`[${inventory.serialized().containers}]`)).toContainEqual(expect.objectContaining({ cpuPercent: 2 }));
  });

  it('shares one list between concurrent refreshes, and lists once more for a refresh asked meanwhile', async () => {
    const lists = (): number => fake.calls.filter((c) => c.path === '/containers/json').length;
    const before = lists();
    await Promise.all([inventory.refresh(), inventory.refresh(), inventory.refresh(), inventory.refresh()]);
    expect(lists() - before).toBe(2);
  });
});
