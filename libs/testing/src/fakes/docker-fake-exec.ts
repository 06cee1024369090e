import type { DockerFakeExtension } from './docker-fake.js';

/**
 * Endpoints of the Docker fake beyond containers and images: exec (create,
 * start with a multiplexed or hijacked stream, inspect), volumes and image
 * pulls. Registered on every fake by `startDockerFake`.
 */
export const builtInExtensions: readonly DockerFakeExtension[] = [];
