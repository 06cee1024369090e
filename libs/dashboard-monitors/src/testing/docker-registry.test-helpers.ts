import Docker from 'dockerode';
import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import type { DockerFake } from '@homelab/testing';

/** A one-host registry on the Docker fake, standing in for the containers feature's. */
export function fakeRegistry(fake: DockerFake, name = 'local'): DockerHostRegistry {
  const client = new Docker({ socketPath: fake.socketPath });
  return {
    hosts: () => [{ name, kind: 'unix', endpoint: `unix://${fake.socketPath}` }],
    client: (host) => {
      if (host !== name) throw new Error(`Unknown Docker host "${host}"`);
      return client;
    },
    defaultHost: () => name,
  };
}
