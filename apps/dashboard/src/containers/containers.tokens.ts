/**
 * Where other dashboard modules find the containers feature (ContainersModule
 * is global):
 * - `DOCKER_HOST_REGISTRY`: the `DockerHostRegistry` (dockerode clients per
 *   configured host). A registered symbol, so a module can look it up without
 *   importing this file (the monitors do).
 * - `DOCKER_FEATURE`: the whole `DockerFeature` (inventory, actions, logs …).
 */
export const DOCKER_HOST_REGISTRY = Symbol.for('homelab.dashboard.docker-host-registry');
export const DOCKER_FEATURE = Symbol('DOCKER_FEATURE');
