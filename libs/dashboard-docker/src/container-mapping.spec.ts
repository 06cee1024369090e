import { describe, expect, it } from 'vitest';
import { healthOf, nameOf, portsOf, toContainerView, type ContainerSummary } from './container-mapping.js';

describe('container list mapping', () => {
  it('reads health from API 1.52\'s Health field or from the status text', () => {
    expect(healthOf({ Status: 'Up 3 minutes (healthy)' })).toBe('healthy');
    expect(healthOf({ Status: 'Up 2 seconds (health: starting)' })).toBe('starting');
    expect(healthOf({ Status: 'Up 1 hour (unhealthy)' })).toBe('unhealthy');
    expect(healthOf({ Status: 'Up 1 hour' })).toBe('none');
    expect(healthOf({ Status: 'Exited (0) 2 hours ago' })).toBe('none');
    expect(healthOf({ Status: 'Up 1 hour', Health: { Status: 'unhealthy' } })).toBe('unhealthy');
  });

  it('picks the container\'s own name over legacy link aliases', () => {
    expect(nameOf(['/app/db', '/db'], 'abc')).toBe('db');
    expect(nameOf([], '0123456789abcdef')).toBe('0123456789ab');
  });

  it('shows a binding on both IPv4 and IPv6 once; keeps specific addresses and unpublished ports', () => {
    expect(
      portsOf([
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 5432, Type: 'tcp' },
        { PrivatePort: 53, Type: 'udp' } as never,
      ]),
    ).toEqual([
      { privatePort: 53, publicPort: null, protocol: 'udp', ip: null },
      { privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '0.0.0.0' },
      { privatePort: 5432, publicPort: 5432, protocol: 'tcp', ip: '127.0.0.1' },
    ]);
    expect(portsOf([{ IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }])).toEqual([{ privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '::' }]);
  });

  it('maps a list entry, showing stats only while the container runs', () => {
    const summary = {
      Id: 'a'.repeat(64),
      Names: ['/web'],
      Image: 'nginx:1.27',
      ImageID: `sha256:${'b'.repeat(64)}`,
      Command: 'nginx',
      Created: 1_764_590_400,
      Ports: [],
      Labels: { 'com.docker.compose.project': 'site' },
      State: 'exited',
      Status: 'Exited (0) 5 seconds ago',
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    } as ContainerSummary;
    const stats = { cpuPercent: 3, memoryBytes: 1, memoryLimitBytes: 2, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 1, at: '2026-12-01T00:00:00.000Z' };
    expect(toContainerView('local', summary, stats)).toEqual({
      host: 'local',
      id: 'a'.repeat(64),
      shortId: 'a'.repeat(12),
      name: 'web',
      image: 'nginx:1.27',
      imageId: `sha256:${'b'.repeat(64)}`,
      state: 'exited',
      status: 'Exited (0) 5 seconds ago',
      health: 'none',
      createdAt: '2025-12-01T12:00:00.000Z',
      ports: [],
      composeProject: 'site',
      cpuPercent: null,
      memoryBytes: null,
      memoryLimitBytes: null,
      statsAt: null,
    });
    expect(toContainerView('local', { ...summary, State: 'running' }, stats)).toMatchObject({ state: 'running', cpuPercent: 3, memoryBytes: 1, statsAt: stats.at });
    expect(toContainerView('local', { ...summary, State: 'weird' }, undefined).state).toBe('dead');
  });
});
