import { at, dict, isDict, list, text } from './access.js';
import { checkServiceEnv, effectiveHttpPort, isFileVariable, type EnvEntry } from './env-rules.js';
import { checkImage, homelabService, isPinned, parseImageRef } from './images.js';
import {
  claimTemplateNames,
  containerPorts,
  containersOf,
  dataKeys,
  dataValue,
  mountFor,
  mountsOf,
  podLabels,
  podSpec,
  resolvePort,
  selects,
  stringMap,
  toObject,
  volumeSources,
  volumesOf,
  WORKLOAD_KINDS,
  type Container,
  type K8sObject,
  type Manifest,
} from './k8s-objects.js';
import { checkJetStream, checkNatsCluster, configPathIn, natsBlock, natsPorts, NatsConfError, parseNatsConf, type NatsBlock } from './nats-conf.js';
import { problem, type Problem } from './problems.js';
import type { RepoFacts, ServiceFacts } from './repo-facts.js';

export interface KubernetesContext {
  facts: RepoFacts;
  /** Folder of the manifests relative to the repository root, e.g. `deploy/k8s`. */
  dir: string;
  /** File names (not paths) of every `*.yaml` in `dir`, kustomization.yaml included. */
  files: readonly string[];
  kustomization: unknown;
}

export const NATS_REPLICAS = 3;
const MIN_SERVICE_REPLICAS = 2;
const KUSTOMIZATION = 'kustomization.yaml';

interface Index {
  ctx: KubernetesContext;
  objects: K8sObject[];
  applied: K8sObject[];
  workloads: K8sObject[];
}

function find(index: Index, kind: string, name: string, includeExamples = false): K8sObject | undefined {
  return (includeExamples ? index.objects : index.applied).find((o) => o.kind === kind && o.name === name);
}

function replicas(workload: K8sObject): number {
  const value = dict(workload.doc['spec'])['replicas'];
  return typeof value === 'number' ? value : 1;
}

function checkWellFormed(index: Index, namespace: string | undefined): Problem[] {
  return index.objects.flatMap((o) => {
    const problems: Problem[] = [];
    if (!text(o.doc['apiVersion']) || !o.kind || !o.name) problems.push(problem(o.where, 'needs apiVersion, kind and metadata.name'));
    if (o.namespace !== undefined && o.namespace !== namespace) problems.push(problem(o.where, `namespace ${o.namespace} differs from the kustomization's ${namespace ?? '(none)'}`));
    return problems;
  });
}

function checkKustomization(index: Index): Problem[] {
  const { ctx } = index;
  const where = `${ctx.dir}/${KUSTOMIZATION}`;
  const k = dict(ctx.kustomization);
  if (k['kind'] !== 'Kustomization') return [problem(where, 'is not a Kustomization')];
  const problems: Problem[] = [];
  const resources = list(k['resources']).map(String);
  for (const resource of resources) {
    if (!ctx.files.includes(resource)) problems.push(problem(where, `resource ${resource} does not exist`));
    if (resource.endsWith('.example.yaml')) problems.push(problem(where, `${resource} holds placeholders and must not be applied`));
  }
  for (const file of ctx.files.filter((f) => f !== KUSTOMIZATION && !f.endsWith('.example.yaml') && !resources.includes(f))) {
    problems.push(problem(where, `${file} is not listed in resources`));
  }
  const namespace = text(k['namespace']);
  if (!namespace) problems.push(problem(where, 'sets no namespace'));
  else if (!find(index, 'Namespace', namespace)) problems.push(problem(where, `Namespace ${namespace} is not among the resources`));
  const images = index.workloads.flatMap((w) => containersOf(w).map((c) => parseImageRef(String(c.spec['image'] ?? '')).repository));
  list(k['images']).forEach((raw, i) => {
    const image = dict(raw);
    const name = String(image['name'] ?? '');
    const tag = text(image['newTag']);
    const at_ = at(where, 'images', i);
    if (!images.includes(parseImageRef(name).repository)) problems.push(problem(at_, `no container uses ${name}`));
    if (tag !== undefined && homelabService(parseImageRef(name)) !== undefined && tag !== ctx.facts.version) {
      problems.push(problem(at_, `newTag ${tag} is not the release version ${ctx.facts.version}`));
    }
    if (tag !== undefined && !isPinned({ repository: name, registry: undefined, tag, digest: text(image['digest']) })) problems.push(problem(at_, `newTag ${tag} is not pinned`));
  });
  return problems;
}

function checkSecurity(workload: K8sObject, container: Container): Problem[] {
  const pod = dict(podSpec(workload)['securityContext']);
  const own = dict(container.spec['securityContext']);
  const where = at(container.where, 'securityContext');
  const problems: Problem[] = [];
  if ((own['runAsNonRoot'] ?? pod['runAsNonRoot']) !== true) problems.push(problem(where, 'runAsNonRoot must be true'));
  if ((own['runAsUser'] ?? pod['runAsUser']) === 0) problems.push(problem(where, 'runAsUser 0 is root'));
  if (own['readOnlyRootFilesystem'] !== true) problems.push(problem(where, 'readOnlyRootFilesystem must be true'));
  if (own['allowPrivilegeEscalation'] !== false) problems.push(problem(where, 'allowPrivilegeEscalation must be false'));
  if (own['privileged'] === true) problems.push(problem(where, 'privileged'));
  if (!list(dict(own['capabilities'])['drop']).includes('ALL')) problems.push(problem(where, 'capabilities.drop must include ALL'));
  if (list(dict(own['capabilities'])['add']).length > 0) problems.push(problem(where, 'adds capabilities'));
  const seccomp = text(dict(own['seccompProfile'] ?? pod['seccompProfile'])['type']);
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(problem(where, 'seccompProfile must be RuntimeDefault'));
  return problems;
}

function checkResources(container: Container): Problem[] {
  const resources = dict(container.spec['resources']);
  return (['requests', 'limits'] as const).flatMap((kind) =>
    (['cpu', 'memory'] as const)
      .filter((r) => dict(resources[kind])[r] === undefined)
      .map((r) => problem(at(container.where, 'resources', kind), `no ${r}`)),
  );
}

/** Secrets/ConfigMaps named by volumes and env exist, and so do the keys picked from them. */
function checkReferences(index: Index, workload: K8sObject): Problem[] {
  const problems: Problem[] = [];
  const refer = (kind: 'Secret' | 'ConfigMap', name: string, keys: string[], where: string) => {
    const target = find(index, kind, name, kind === 'Secret');
    if (!target) problems.push(problem(where, `${kind} ${name} is neither a resource nor documented in a *.example.yaml`));
    else for (const key of keys.filter((k) => !dataKeys(target).includes(k))) problems.push(problem(where, `${kind} ${name} has no key ${key}`));
  };
  volumesOf(workload).forEach((volume) => {
    for (const source of volumeSources(volume)) refer(source.kind, source.name, (source.items ?? []).map((i) => i.key), `${workload.where} volume ${String(volume['name'])}`);
  });
  const volumeNames = [...volumesOf(workload).map((v) => String(v['name'])), ...claimTemplateNames(workload)];
  for (const container of containersOf(workload)) {
    for (const mount of mountsOf(container).filter((m) => !volumeNames.includes(m.name))) problems.push(problem(at(container.where, 'volumeMounts'), `no volume ${mount.name}`));
    for (const env of list(container.spec['env']).map(dict)) {
      const from = dict(env['valueFrom']);
      const secret = dict(from['secretKeyRef']);
      const config = dict(from['configMapKeyRef']);
      if (isDict(from['secretKeyRef'])) refer('Secret', String(secret['name']), [String(secret['key'])], at(container.where, 'env', String(env['name'])));
      if (isDict(from['configMapKeyRef'])) refer('ConfigMap', String(config['name']), [String(config['key'])], at(container.where, 'env', String(env['name'])));
    }
    for (const from of list(container.spec['envFrom']).map(dict)) {
      if (isDict(from['configMapRef'])) refer('ConfigMap', String(dict(from['configMapRef'])['name']), [], at(container.where, 'envFrom'));
      if (isDict(from['secretRef'])) refer('Secret', String(dict(from['secretRef'])['name']), [], at(container.where, 'envFrom'));
    }
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const httpGet = dict(dict(container.spec[probe])['httpGet']);
      if (isDict(dict(container.spec[probe])['httpGet']) && resolvePort([container], httpGet['port']) === undefined) {
        problems.push(problem(at(container.where, probe), `port ${String(httpGet['port'])} is no port of the container`));
      }
    }
  }
  return problems;
}

function checkWorkload(index: Index, workload: K8sObject): Problem[] {
  const problems: Problem[] = [];
  const selector = stringMap(dict(dict(workload.doc['spec'])['selector'])['matchLabels']);
  if (!selects(selector, podLabels(workload))) problems.push(problem(workload.where, 'spec.selector.matchLabels does not match the pod template labels'));
  for (const container of containersOf(workload)) {
    problems.push(...checkImage(String(container.spec['image'] ?? ''), at(container.where, 'image'), index.ctx.facts));
    problems.push(...checkResources(container), ...checkSecurity(workload, container));
  }
  problems.push(...checkReferences(index, workload));
  const labels = podLabels(workload);
  const pdb = index.applied.some((o) => o.kind === 'PodDisruptionBudget' && selects(stringMap(dict(dict(o.doc['spec'])['selector'])['matchLabels']), labels));
  if (replicas(workload) > 1 && !pdb) problems.push(problem(workload.where, 'no PodDisruptionBudget selects its pods'));
  return problems;
}

/** Variables a container gets: envFrom ConfigMaps/Secrets first, then env (which wins). */
function containerEnv(index: Index, container: Container): EnvEntry[] {
  const fromMaps = list(container.spec['envFrom']).flatMap((raw) => {
    const from = dict(raw);
    const ref = isDict(from['configMapRef']) ? find(index, 'ConfigMap', String(dict(from['configMapRef'])['name'])) : undefined;
    const secret = isDict(from['secretRef']) ? find(index, 'Secret', String(dict(from['secretRef'])['name']), true) : undefined;
    const source = ref ?? secret;
    if (!source) return [];
    return dataKeys(source).map((key) => ({ name: key, value: ref ? dataValue(source, key) : undefined, where: `${source.where} data.${key}` }));
  });
  const own = list(container.spec['env']).map((raw) => {
    const env = dict(raw);
    const name = String(env['name'] ?? '');
    return { name, value: text(env['value']), where: at(container.where, 'env', name) };
  });
  return [...fromMaps, ...own];
}

/** `<NAME>_FILE` must point at a file a mounted Secret provides. */
function checkSecretFiles(index: Index, workload: K8sObject, container: Container, service: ServiceFacts, env: EnvEntry[]): Problem[] {
  return env
    .filter((e) => isFileVariable(service, e.name))
    .flatMap((entry) => {
      const found = entry.value === undefined ? undefined : mountFor(container, entry.value);
      const volume = volumesOf(workload).find((v) => v['name'] === found?.mount.name);
      const provides = volume
        ? volumeSources(volume)
            .filter((s) => s.kind === 'Secret')
            .flatMap((s) => s.items?.map((i) => i.path) ?? dataKeys(find(index, 'Secret', s.name, true) ?? toObject({ file: '', index: 0, doc: {} })))
        : [];
      return found && provides.includes(found.relative) ? [] : [problem(entry.where, `${entry.value ?? '(no value)'} is no file of a Secret mounted in the container`)];
    });
}

function checkProbes(container: Container, port: number | undefined, healthPath: string): Problem[] {
  const problems: Problem[] = [];
  for (const probe of ['readinessProbe', 'livenessProbe']) {
    const httpGet = dict(dict(container.spec[probe])['httpGet']);
    if (!isDict(container.spec[probe])) {
      problems.push(problem(container.where, `no ${probe}`));
      continue;
    }
    if (httpGet['path'] !== healthPath) problems.push(problem(at(container.where, probe), `path must be ${healthPath} (is ${String(httpGet['path'] ?? 'none')})`));
    const probePort = resolvePort([container], httpGet['port']);
    if (probePort !== port) problems.push(problem(at(container.where, probe), `port ${String(httpGet['port'])} is not HTTP_PORT ${port ?? '(invalid)'}`));
  }
  return problems;
}

function natsServiceFor(index: Index, host: string): { service: K8sObject; nats: K8sObject } | undefined {
  const service = find(index, 'Service', host.split('.')[0] ?? '');
  if (!service) return undefined;
  const selector = stringMap(dict(service.doc['spec'])['selector']);
  const nats = index.workloads.find((w) => selects(selector, podLabels(w)) && containersOf(w).some((c) => isNatsImage(c)));
  return nats ? { service, nats } : undefined;
}

function checkNatsUrl(index: Index, env: EnvEntry[], where: string): Problem[] {
  const entry = env.filter((e) => e.name === 'NATS_URL').at(-1);
  if (!entry?.value) return [problem(where, 'NATS_URL is not set: the default 127.0.0.1 is the pod itself')];
  return entry.value.split(',').flatMap((server) => {
    try {
      const url = new URL(server.trim());
      const target = natsServiceFor(index, url.hostname);
      if (!target) return [problem(entry.where, `${url.hostname} is no Service of the NATS pods`)];
      const port = url.port === '' ? 4222 : Number(url.port);
      const servicePort = list(dict(target.service.doc['spec'])['ports']).map(dict).find((p) => Number(p['port']) === port);
      const conf = safeNatsConfig(index, target.nats);
      const client = conf ? natsPorts(conf).client : undefined;
      const targetPort = servicePort ? resolvePort(containersOf(target.nats), servicePort['targetPort'] ?? servicePort['port']) : undefined;
      if (!servicePort || (client !== undefined && targetPort !== client)) return [problem(entry.where, `${server} does not reach the NATS client port`)];
      return [];
    } catch {
      return [problem(entry.where, `${server} is not a URL`)];
    }
  });
}

/** Deployments of the five services: replicas, variables, secrets as files, ports and probes. */
function checkHomelabWorkload(index: Index, workload: K8sObject, container: Container, service: ServiceFacts): Problem[] {
  const problems: Problem[] = [];
  if (workload.kind !== 'Deployment') problems.push(problem(workload.where, 'the services are stateless: use a Deployment'));
  if (replicas(workload) < MIN_SERVICE_REPLICAS) problems.push(problem(workload.where, `replicas must be at least ${MIN_SERVICE_REPLICAS}`));
  const env = containerEnv(index, container);
  problems.push(...checkServiceEnv(service, env), ...checkSecretFiles(index, workload, container, service, env), ...checkNatsUrl(index, env, container.where));
  const port = effectiveHttpPort(service, env);
  const ports = containerPorts(container);
  if (ports.length === 0) problems.push(problem(container.where, `declares no containerPort (HTTP_PORT ${port ?? '(invalid)'})`));
  for (const p of ports.filter((p) => p !== port)) problems.push(problem(at(container.where, 'ports'), `containerPort ${p} is not HTTP_PORT ${port ?? '(invalid)'}`));
  problems.push(...checkProbes(container, port, index.ctx.facts.healthPath));
  const labels = podLabels(workload);
  if (!index.applied.some((o) => o.kind === 'Service' && selects(stringMap(dict(o.doc['spec'])['selector']), labels))) {
    problems.push(problem(workload.where, 'no Service selects its pods'));
  }
  return problems;
}

function checkServices(index: Index): Problem[] {
  return index.applied
    .filter((o) => o.kind === 'Service')
    .flatMap((service) => {
      const spec = dict(service.doc['spec']);
      const selector = stringMap(spec['selector']);
      const targets = index.workloads.filter((w) => selects(selector, podLabels(w)));
      if (targets.length === 0) return [problem(service.where, 'its selector matches no pods')];
      return list(spec['ports']).flatMap((raw, i) => {
        const port = dict(raw);
        const target = port['targetPort'] ?? port['port'];
        return targets
          .filter((w) => {
            const resolved = resolvePort(containersOf(w), target);
            return resolved === undefined || !containersOf(w).some((c) => containerPorts(c).includes(resolved));
          })
          .map((w) => problem(at(service.where, 'spec.ports', i), `targetPort ${String(target)} is no container port of ${w.name}`));
      });
    });
}

function checkSelectorsMatch(index: Index): Problem[] {
  return index.applied
    .filter((o) => o.kind === 'PodDisruptionBudget' || o.kind === 'NetworkPolicy')
    .flatMap((o) => {
      const spec = dict(o.doc['spec']);
      const selector = stringMap(dict(o.kind === 'NetworkPolicy' ? spec['podSelector'] : spec['selector'])['matchLabels']);
      return index.workloads.some((w) => selects(selector, podLabels(w))) ? [] : [problem(o.where, 'its selector matches no pods')];
    });
}

function isNatsImage(container: Container): boolean {
  return parseImageRef(String(container.spec['image'] ?? '')).repository === 'nats';
}

function natsConfig(index: Index, workload: K8sObject): { conf: NatsBlock | undefined; where: string; container: Container | undefined } {
  const container = containersOf(workload).find(isNatsImage);
  const args = [...list(container?.spec['command']), ...list(container?.spec['args'])].map(String).join(' ');
  const path = configPathIn(args);
  const found = container && path ? mountFor(container, path) : undefined;
  const volume = volumesOf(workload).find((v) => v['name'] === found?.mount.name);
  const source = volume ? volumeSources(volume).find((s) => s.kind === 'ConfigMap') : undefined;
  const key = source?.items?.find((i) => i.path === found?.relative)?.key ?? found?.relative ?? '';
  const map = source ? find(index, 'ConfigMap', source.name) : undefined;
  const content = map ? dataValue(map, key) : undefined;
  const where = map ? `${map.where} data.${key}` : workload.where;
  return { conf: content === undefined ? undefined : parseNatsConf(content), where, container };
}

/** The parsed NATS configuration, or undefined when missing or broken (reported by checkNatsStatefulSet). */
function safeNatsConfig(index: Index, workload: K8sObject): NatsBlock | undefined {
  try {
    return natsConfig(index, workload).conf;
  } catch {
    return undefined;
  }
}

/** The NATS StatefulSet: three nodes routed through the headless Service, JetStream on volume claims. */
function checkNatsStatefulSet(index: Index, workload: K8sObject): Problem[] {
  const problems: Problem[] = [];
  if (workload.kind !== 'StatefulSet') problems.push(problem(workload.where, 'NATS needs a StatefulSet (stable names and volumes)'));
  if (replicas(workload) !== NATS_REPLICAS) problems.push(problem(workload.where, `replicas must be ${NATS_REPLICAS} (a JetStream quorum survives one node down)`));
  const serviceName = text(dict(workload.doc['spec'])['serviceName']) ?? '';
  const headless = find(index, 'Service', serviceName);
  const headlessSpec = dict(headless?.doc['spec']);
  if (!headless || headlessSpec['clusterIP'] !== 'None' || !selects(stringMap(headlessSpec['selector']), podLabels(workload))) {
    problems.push(problem(workload.where, `serviceName ${serviceName} must be a headless Service (clusterIP: None) selecting these pods`));
  } else if (headlessSpec['publishNotReadyAddresses'] !== true) {
    problems.push(problem(headless.where, 'publishNotReadyAddresses must be true: nodes need each other’s names before they are ready'));
  }
  let found: ReturnType<typeof natsConfig>;
  try {
    found = natsConfig(index, workload);
  } catch (error) {
    return [...problems, problem(workload.where, `NATS configuration: ${error instanceof NatsConfError ? error.message : String(error)}`)];
  }
  const { conf, where, container } = found;
  if (!conf || !container) return [...problems, problem(workload.where, 'no NATS configuration from a ConfigMap at the --config path')];
  const jetstream = checkJetStream(conf, where);
  problems.push(...jetstream.problems);
  const storeMount = jetstream.storeDir === undefined ? undefined : mountsOf(container).find((m) => jetstream.storeDir === m.mountPath || jetstream.storeDir?.startsWith(`${m.mountPath}/`));
  if (jetstream.storeDir && !claimTemplateNames(workload).includes(storeMount?.name ?? '')) {
    problems.push(problem(where, `jetstream.store_dir ${jetstream.storeDir} is not on a volumeClaimTemplate (file storage must persist)`));
  }
  const hosts = Array.from({ length: replicas(workload) }, (_, i) => `${workload.name}-${i}.${serviceName}`);
  problems.push(...checkNatsCluster(conf, where, hosts));
  const ports = natsPorts(conf);
  const declared = containerPorts(container);
  for (const [name, port] of Object.entries(ports)) if (port !== undefined && !declared.includes(port)) problems.push(problem(container.where, `${name} port ${port} is not a containerPort`));
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'].filter((p) => isDict(container.spec[p]))) {
    const httpGet = dict(dict(container.spec[probe])['httpGet']);
    if (resolvePort([container], httpGet['port']) !== ports.monitor || !String(httpGet['path'] ?? '').startsWith('/healthz')) {
      problems.push(problem(at(container.where, probe), `must request /healthz on the monitoring port ${ports.monitor ?? '(no http_port)'}`));
    }
  }
  const envNames = list(container.spec['env']).map((e) => String(dict(e)['name']));
  const variables = [...JSON.stringify(conf).matchAll(/"\$([A-Za-z_]\w*)"/g)].map((m) => m[1] ?? '');
  for (const name of variables.filter((v) => !envNames.includes(v))) problems.push(problem(where, `reads $${name}, which the container's env does not set`));
  return problems;
}

function checkNatsUser(index: Index, natsWorkloads: K8sObject[]): Problem[] {
  const user = natsWorkloads.map((w) => natsBlock(safeNatsConfig(index, w) ?? {}, 'authorization')?.['user'])[0];
  if (typeof user !== 'string') return [];
  return index.workloads.flatMap((w) =>
    containersOf(w)
      .filter((c) => homelabService(parseImageRef(String(c.spec['image'] ?? ''))) !== undefined)
      .flatMap((c) => {
        const entry = containerEnv(index, c).filter((e) => e.name === 'NATS_USER').at(-1);
        return entry?.value === user ? [] : [problem(entry?.where ?? c.where, `NATS_USER must be ${user}, the user nats.conf authorizes`)];
      }),
  );
}

/** All checks of the parsed manifests; an empty list means they agree with the repository. */
export function checkKubernetes(manifests: readonly Manifest[], ctx: KubernetesContext): Problem[] {
  const objects = manifests.map(toObject);
  const applied = objects.filter((o) => !o.example);
  const index: Index = { ctx, objects, applied, workloads: applied.filter((o) => WORKLOAD_KINDS.has(o.kind)) };
  const problems = [...checkWellFormed(index, text(dict(ctx.kustomization)['namespace'])), ...checkKustomization(index)];
  const deployed = new Set<string>();
  const natsWorkloads: K8sObject[] = [];
  for (const workload of index.workloads) {
    problems.push(...checkWorkload(index, workload));
    for (const container of containersOf(workload)) {
      const name = homelabService(parseImageRef(String(container.spec['image'] ?? '')));
      const service = name === undefined ? undefined : ctx.facts.services.get(name);
      if (service) {
        deployed.add(service.name);
        problems.push(...checkHomelabWorkload(index, workload, container, service));
      }
    }
    if (containersOf(workload).some(isNatsImage)) natsWorkloads.push(workload);
  }
  for (const workload of natsWorkloads) problems.push(...checkNatsStatefulSet(index, workload));
  if (natsWorkloads.length === 0) problems.push(problem(ctx.dir, 'no NATS StatefulSet'));
  problems.push(...checkNatsUser(index, natsWorkloads), ...checkServices(index), ...checkSelectorsMatch(index));
  for (const service of ctx.facts.services.keys()) if (!deployed.has(service)) problems.push(problem(ctx.dir, `service ${service} has no Deployment`));
  return problems;
}

