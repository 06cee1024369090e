import { describe, expect, it } from 'vitest';
import { ConfigError } from '@homelab/config';
import { parseDockerHosts } from './docker-hosts-config.js';

const problem = (value: string): string => {
  try {
    parseDockerHosts(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('DOCKER_HOSTS');
    return (error as Error).message;
  }
  throw new Error(`accepted "${value}"`);
};

describe('parseDockerHosts', () => {
  it('reads unix, https and http entries in order, with default ports and spaces tolerated', () => {
    expect(parseDockerHosts(' local=unix:///var/run/docker.sock , nas=https://nas.lan, proxy=http://10.0.0.5:2375,v6=https://[fd00::1]:2376,')).toEqual([
      { name: 'local', kind: 'unix', endpoint: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' },
      { name: 'nas', kind: 'https', endpoint: 'https://nas.lan:2376', hostname: 'nas.lan', port: 2376 },
      { name: 'proxy', kind: 'http', endpoint: 'http://10.0.0.5:2375', hostname: '10.0.0.5', port: 2375 },
      { name: 'v6', kind: 'https', endpoint: 'https://[fd00::1]:2376', hostname: 'fd00::1', port: 2376 },
    ]);
  });

  it('refuses entries it cannot use, naming the entry and what to write instead', () => {
    expect(problem('')).toMatch(/names no Docker host/);
    expect(problem('unix:///var/run/docker.sock')).toMatch(/entry 1 has no name/);
    expect(problem('my host=unix:///x')).toMatch(/host name "my host" must be/);
    expect(problem('a=unix:///x,A=unix:///y')).toMatch(/names the host "A" twice/);
    expect(problem('a=unix://docker.sock')).toMatch(/absolute path/);
    expect(problem('a=tcp://nas:2376')).toMatch(/tcp:\/\/ is ambiguous/);
    expect(problem('a=ssh://me@nas')).toMatch(/ssh:\/\/ is not supported/);
    expect(problem('a=ftp://nas')).toMatch(/unsupported endpoint scheme "ftp:\/\/"/);
    expect(problem('a=/var/run/docker.sock')).toMatch(/unsupported endpoint \(expected/);
    expect(problem('a=https://nas:2376/docker')).toMatch(/must not have a path/);
    expect(problem('a=http://nas:99999')).toMatch(/is not a URL/);
  });

  it('never echoes credentials written into a URL', () => {
    const message = problem('a=https://root:hunter2@nas:2376');
    expect(message).toMatch(/credentials in the URL are not supported/);
    expect(message).not.toContain('hunter2');
  });
});
