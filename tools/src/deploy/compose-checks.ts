import { posix } from 'node:path';
import { at, dict, entries, isDict, list, text, type Dict } from './access.js';
import { checkServiceEnv, effectiveHttpPort, isFileVariable, type EnvEntry } from './env-rules.js';
import { checkImage, homelabService, parseImageRef } from './images.js';
import { checkJetStream, configPathIn, natsBlock, natsPorts, NatsConfError, parseNatsConf, type NatsBlock } from './nats-conf.js';
import { createdDatabases } from './postgres-init.js';
import { problem, type Problem } from './problems.js';
import type { RepoFacts, ServiceFacts } from './repo-facts.js';

export interface ComposeContext {
  facts: RepoFacts;
  /** The compose file relative to the repository root, e.g. `deploy/compose.yaml`. */
  file: string;
}

const DOCKERFILE = 'docker/Dockerfile';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const RESTART_POLICIES = new Set(['unless-stopped', 'always']);
const SECRETS_DIR = 'secrets';

/** Compose interpolation without an environment: `${X:-default}` gives the default, `$$` a dollar. */
export function interpolate(value: string): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const result = value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (all, braced, op, word, plain) => {
    if (all === '$$') return '$';
    const name = (braced ?? plain) as string;
    if (op === '-' || op === ':-') return (word as string | undefined) ?? '';
    if (op === '+' || op === ':+') return '';
    unresolved.push(name);
    return '';
  });
  return { value: result, unresolved };
}

const resolved = (value: unknown): string | undefined => {
  const raw = text(value);
  return raw === undefined ? undefined : interpolate(raw).value;
};

interface Context extends ComposeContext {
  services: Dict;
  dir: string;
}

function environmentOf(service: Dict, where: string): EnvEntry[] {
  const environment = service['environment'];
  if (Array.isArray(environment)) {
    return environment.map((item, i) => {
      const [name = '', ...rest] = String(item).split('=');
      return { name, value: rest.length > 0 ? interpolate(rest.join('=')).value : undefined, where: at(where, 'environment', i) };
    });
  }
  return entries(environment).map(([name, value]) => ({ name, value: resolved(value), where: at(where, 'environment', name) }));
}

interface SecretMount {
  source: string;
  path: string;
}

function secretMounts(service: Dict): SecretMount[] {
  return list(service['secrets']).map((item) => {
    const source = isDict(item) ? String(item['source'] ?? '') : String(item);
    const target = isDict(item) ? (text(item['target']) ?? source) : source;
    return { source, path: target.startsWith('/') ? target : `/run/secrets/${target}` };
  });
}

interface PortMapping {
  hostIp: string | undefined;
  published: string | undefined;
  target: number;
  spec: string;
}

function portsOf(service: Dict): PortMapping[] {
  return list(service['ports']).map((item) => {
    if (isDict(item)) {
      return { hostIp: resolved(item['host_ip']), published: resolved(item['published']), target: Number(item['target']), spec: JSON.stringify(item) };
    }
    const spec = resolved(item) ?? '';
    const parts = spec.replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.at(-1));
    if (parts.length === 1) return { hostIp: undefined, published: undefined, target, spec };
    return { hostIp: parts.length > 2 ? parts.slice(0, -2).join(':') : undefined, published: parts.at(-2), target, spec };
  });
}

interface Mount {
  source: string;
  target: string;
  bind: boolean;
}

function mountsOf(service: Dict): Mount[] {
  return list(service['volumes']).map((item) => {
    if (isDict(item)) return { source: String(item['source'] ?? ''), target: String(item['target'] ?? ''), bind: item['type'] === 'bind' };
    const [source = '', target = ''] = String(item).split(':');
    return { source, target, bind: source.startsWith('.') || source.startsWith('/') || source.startsWith('~') };
  });
}

function healthTest(service: Dict): string {
  const test = dict(service['healthcheck'])['test'];
  return (Array.isArray(test) ? test.map(String) : [String(test ?? '')]).join(' ');
}

function healthUrls(service: Dict): URL[] {
  return [...healthTest(service).matchAll(/https?:\/\/[^\s'"`)]+/g)].flatMap((m) => {
    try {
      return [new URL(m[0])];
    } catch {
      return [];
    }
  });
}

function dependsOn(service: Dict): Map<string, string | undefined> {
  const value = service['depends_on'];
  if (Array.isArray(value)) return new Map(value.map((name) => [String(name), undefined]));
  return new Map(entries(value).map(([name, spec]) => [name, text(dict(spec)['condition'])]));
}

function imageOf(service: Dict): string | undefined {
  return resolved(service['image']);
}

function servicesWithImage(ctx: Context, repository: string): [string, Dict][] {
  return entries(ctx.services)
    .filter(([, s]) => {
      const image = imageOf(dict(s));
      return image !== undefined && parseImageRef(image).repository === repository;
    })
    .map(([name, s]) => [name, dict(s)]);
}

/** Rules for every service: pinned image, restart policy, health check, limits, references. */
function checkAnyService(name: string, service: Dict, ctx: Context, top: Dict): Problem[] {
  const where = `${ctx.file}: services.${name}`;
  const problems: Problem[] = [];
  const image = text(service['image']);
  if (image === undefined) problems.push(problem(where, 'no image'));
  else {
    const { value, unresolved } = interpolate(image);
    if (unresolved.length > 0) problems.push(problem(at(where, 'image'), `${image} needs ${unresolved.join(', ')} without a default`));
    problems.push(...checkImage(value, at(where, 'image'), ctx.facts));
  }
  if (!RESTART_POLICIES.has(String(service['restart']))) problems.push(problem(at(where, 'restart'), 'must be unless-stopped (or always)'));
  const healthcheck = dict(service['healthcheck']);
  if (!isDict(service['healthcheck']) || healthcheck['disable'] === true || healthTest(service).trim() === '' || healthTest(service) === 'NONE') {
    problems.push(problem(at(where, 'healthcheck'), 'missing: depends_on conditions and restarts need it'));
  }
  const limits = dict(dict(dict(service['deploy'])['resources'])['limits']);
  for (const key of ['cpus', 'memory']) if (limits[key] === undefined) problems.push(problem(at(where, 'deploy.resources.limits'), `no ${key} limit`));
  for (const [target, condition] of dependsOn(service)) {
    if (!isDict(ctx.services[target])) problems.push(problem(at(where, 'depends_on', target), `no service "${target}"`));
    else if (condition !== 'service_healthy') problems.push(problem(at(where, 'depends_on', target), 'use condition: service_healthy'));
    else if (!isDict(dict(ctx.services[target])['healthcheck'])) problems.push(problem(at(where, 'depends_on', target), `"${target}" has no health check`));
  }
  for (const secret of secretMounts(service)) {
    if (!isDict(dict(top['secrets'])[secret.source])) problems.push(problem(at(where, 'secrets'), `secret "${secret.source}" is not declared in the top-level secrets`));
  }
  for (const mount of mountsOf(service)) {
    const source = posix.join(ctx.dir, mount.source);
    // an absolute source is a path on the Docker host (the engine's socket), not in the repository
    if (mount.bind && !posix.isAbsolute(mount.source) && !ctx.facts.files.exists(source)) problems.push(problem(at(where, 'volumes'), `bind mount source ${source} does not exist`));
    if (!mount.bind && !(mount.source in dict(top['volumes']))) problems.push(problem(at(where, 'volumes'), `volume "${mount.source}" is not declared in the top-level volumes`));
  }
  for (const port of portsOf(service)) {
    if (port.published !== undefined && !LOOPBACK.has(port.hostIp ?? '')) {
      problems.push(problem(at(where, 'ports'), `${port.spec} is published on all interfaces: bind it to 127.0.0.1`));
    }
  }
  return problems;
}

function checkBuild(name: string, service: Dict, app: string | undefined, ctx: Context): Problem[] {
  const where = `${ctx.file}: services.${name}.build`;
  const build = service['build'];
  if (!isDict(build)) return [problem(where, `homelab images are built here from ${DOCKERFILE} (build: with args.APP)`)];
  const problems: Problem[] = [];
  const context = posix.normalize(posix.join(ctx.dir, String(build['context'] ?? '.')));
  if (context !== '.') problems.push(problem(at(where, 'context'), `must be the repository root (is ${context})`));
  const dockerfile = posix.normalize(String(build['dockerfile'] ?? 'Dockerfile'));
  if (dockerfile !== DOCKERFILE || !ctx.facts.files.exists(posix.join(context, dockerfile))) {
    problems.push(problem(at(where, 'dockerfile'), `must be ${DOCKERFILE}`));
  }
  const arg = resolved(dict(build['args'])['APP']);
  if (arg === undefined) problems.push(problem(at(where, 'args'), 'no APP build argument'));
  else if (!ctx.facts.files.exists(`apps/${arg}/src/main.ts`)) problems.push(problem(at(where, 'args.APP'), `apps/${arg}/src/main.ts does not exist`));
  else if (arg !== app) problems.push(problem(at(where, 'args.APP'), `builds ${arg} but the image is ${imageOf(service) ?? '(none)'}`));
  return problems;
}

/** The example that documents a mounted secret file's content. */
function secretExample(ctx: Context, top: Dict, mounts: SecretMount[], path: string | undefined): string | undefined {
  const mount = mounts.find((m) => m.path === path);
  const file = text(dict(dict(top['secrets'])[mount?.source ?? ''])['file']);
  return file === undefined ? undefined : ctx.facts.files.read(`${posix.join(ctx.dir, file)}.example`);
}

function checkDatabaseUrlExample(service: ServiceFacts, example: string | undefined, where: string, ctx: Context): Problem[] {
  if (example === undefined) return [];
  const postgres = servicesWithImage(ctx, 'postgres');
  try {
    const url = new URL(example.trim());
    const problems: Problem[] = [];
    if (url.pathname !== `/${service.databaseName}`) problems.push(problem(where, `example DATABASE_URL names database ${url.pathname.slice(1)}, not ${service.databaseName}`));
    if (!postgres.some(([name]) => name === url.hostname)) problems.push(problem(where, `example DATABASE_URL host ${url.hostname} is no PostgreSQL service`));
    const user = postgres.map(([, s]) => environmentOf(s, '').find((e) => e.name === 'POSTGRES_USER')?.value)[0];
    if (user !== undefined && url.username !== user) problems.push(problem(where, `example DATABASE_URL user ${url.username} is not POSTGRES_USER ${user}`));
    return problems;
  } catch {
    return [problem(where, 'the DATABASE_URL example is not a URL')];
  }
}

function checkNatsUrl(env: EnvEntry[], where: string, ctx: Context): Problem[] {
  const natsUrl = env.find((e) => e.name === 'NATS_URL')?.value;
  if (natsUrl === undefined) return [problem(where, 'NATS_URL is not set: the default 127.0.0.1 is the container itself')];
  const nats = servicesWithImage(ctx, 'nats');
  return natsUrl.split(',').flatMap((server) => {
    try {
      const url = new URL(server.trim());
      const target = nats.find(([name]) => name === url.hostname);
      if (!target) return [problem(at(where, 'NATS_URL'), `${url.hostname} is no NATS service`)];
      const conf = natsConfOf(target[1], ctx);
      const port = url.port === '' ? 4222 : Number(url.port);
      return conf && natsPorts(conf).client !== port ? [problem(at(where, 'NATS_URL'), `port ${port} is not the NATS client port ${natsPorts(conf).client}`)] : [];
    } catch {
      return [problem(at(where, 'NATS_URL'), `${server} is not a URL`)];
    }
  });
}

/** The five services: built here, configured only with their schema's variables, on their HTTP_PORT. */
function checkHomelabService(name: string, service: Dict, ctx: Context, top: Dict): Problem[] {
  const where = `${ctx.file}: services.${name}`;
  const image = imageOf(service);
  const app = image === undefined ? undefined : homelabService(parseImageRef(image));
  const facts = app === undefined ? undefined : ctx.facts.services.get(app);
  const problems = checkBuild(name, service, app, ctx);
  if (!facts) return problems;
  const env = environmentOf(service, where);
  problems.push(...checkServiceEnv(facts, env));
  const mounts = secretMounts(service);
  for (const entry of env.filter((e) => isFileVariable(facts, e.name))) {
    if (!mounts.some((m) => m.path === entry.value)) problems.push(problem(entry.where, `${entry.value ?? '(unset)'} is no secret mounted in this service`));
  }
  const dbFile = env.find((e) => e.name === 'DATABASE_URL_FILE')?.value;
  problems.push(...checkDatabaseUrlExample(facts, secretExample(ctx, top, mounts, dbFile), at(where, 'secrets'), ctx));
  problems.push(...checkNatsUrl(env, at(where, 'environment'), ctx));
  const port = effectiveHttpPort(facts, env);
  for (const mapping of portsOf(service)) {
    if (mapping.target !== port) problems.push(problem(at(where, 'ports'), `${mapping.spec} targets ${mapping.target}, but the service listens on HTTP_PORT ${port ?? '(invalid)'}`));
  }
  for (const exposed of list(service['expose'])) {
    if (Number(String(exposed).split('/')[0]) !== port) problems.push(problem(at(where, 'expose'), `${String(exposed)} is not HTTP_PORT ${port ?? '(invalid)'}`));
  }
  const urls = healthUrls(service);
  if (urls.length === 0) problems.push(problem(at(where, 'healthcheck'), `must request http://127.0.0.1:${port ?? '<HTTP_PORT>'}${ctx.facts.healthPath}`));
  for (const url of urls) {
    if (!LOOPBACK.has(url.hostname) || Number(url.port || 80) !== port || url.pathname !== ctx.facts.healthPath) {
      problems.push(problem(at(where, 'healthcheck'), `requests ${url.href}, not http://127.0.0.1:${port ?? '<HTTP_PORT>'}${ctx.facts.healthPath}`));
    }
  }
  for (const [kind, needed] of [['nats', servicesWithImage(ctx, 'nats')], ['postgres', servicesWithImage(ctx, 'postgres')]] as const) {
    if (needed.length > 0 && !needed.some(([dep]) => dependsOn(service).get(dep) === 'service_healthy')) {
      problems.push(problem(at(where, 'depends_on'), `must wait for ${kind} (condition: service_healthy)`));
    }
  }
  return problems;
}

function configPath(service: Dict): string | undefined {
  const command = [service['entrypoint'], service['command']].flatMap((c) => (Array.isArray(c) ? c.map(String) : c === undefined ? [] : [String(c)]));
  return configPathIn(command.join(' '));
}

function natsConfOf(service: Dict, ctx: Context): NatsBlock | undefined {
  try {
    return natsConf(service, ctx).conf;
  } catch {
    return undefined;
  }
}

function natsConf(service: Dict, ctx: Context): { conf: NatsBlock | undefined; source: string | undefined } {
  const path = configPath(service);
  const mount = mountsOf(service).find((m) => m.bind && m.target === path);
  const source = mount ? posix.join(ctx.dir, mount.source) : undefined;
  const content = source === undefined ? undefined : ctx.facts.files.read(source);
  return { conf: content === undefined ? undefined : parseNatsConf(content), source };
}

function checkNatsService(name: string, service: Dict, ctx: Context): Problem[] {
  const where = `${ctx.file}: services.${name}`;
  let found: ReturnType<typeof natsConf>;
  try {
    found = natsConf(service, ctx);
  } catch (error) {
    return [problem(where, `NATS configuration: ${error instanceof NatsConfError ? error.message : String(error)}`)];
  }
  if (!found.conf || !found.source) return [problem(where, 'no NATS configuration file mounted where --config points')];
  const { problems, storeDir } = checkJetStream(found.conf, found.source);
  const volumes = mountsOf(service).filter((m) => !m.bind);
  if (storeDir && !volumes.some((v) => storeDir === v.target || storeDir.startsWith(`${v.target}/`))) {
    problems.push(problem(found.source, `jetstream.store_dir ${storeDir} is not on a volume: messages would not survive a restart`));
  }
  const monitor = natsPorts(found.conf).monitor;
  const urls = healthUrls(service);
  if (monitor === undefined) problems.push(problem(found.source, 'no http_port: the health check needs the monitoring endpoint'));
  else if (!urls.some((u) => Number(u.port) === monitor && u.pathname === '/healthz')) {
    problems.push(problem(at(where, 'healthcheck'), `must request http://127.0.0.1:${monitor}/healthz`));
  }
  const password = dict(natsBlock(found.conf, 'authorization'))['password'];
  const variable = typeof password === 'string' && password.startsWith('$') ? password.slice(1) : undefined;
  const launch = JSON.stringify([service['entrypoint'], service['command'], service['environment']]);
  if (variable && !launch.includes(variable)) problems.push(problem(where, `nats.conf reads $${variable}, which the container does not set`));
  return problems;
}

function checkPostgresService(name: string, service: Dict, ctx: Context): Problem[] {
  const where = `${ctx.file}: services.${name}`;
  const problems: Problem[] = [];
  if (environmentOf(service, where).some((e) => e.name === 'POSTGRES_PASSWORD')) {
    problems.push(problem(at(where, 'environment'), 'POSTGRES_PASSWORD in plain text: use POSTGRES_PASSWORD_FILE and a secret'));
  }
  const scripts = mountsOf(service).filter((m) => m.bind && m.target.startsWith('/docker-entrypoint-initdb.d/'));
  const created = new Set(scripts.flatMap((m) => createdDatabases(ctx.facts.files.read(posix.join(ctx.dir, m.source)) ?? '')));
  for (const facts of ctx.facts.services.values()) {
    if (!created.has(facts.databaseName)) problems.push(problem(at(where, 'volumes'), `no init script creates ${facts.databaseName} for ${facts.name}`));
  }
  return problems;
}

function checkTopLevelSecrets(top: Dict, ctx: Context): Problem[] {
  return entries(top['secrets']).flatMap(([name, spec]) => {
    const where = `${ctx.file}: secrets.${name}`;
    const file = text(dict(spec)['file']);
    if (file === undefined) return dict(spec)['environment'] === undefined ? [problem(where, 'needs file: or environment:')] : [];
    const path = posix.join(ctx.dir, file);
    if (path.endsWith('.example')) return [problem(where, `${path} is the committed placeholder: point at the real file next to it`)];
    if (posix.dirname(path) !== posix.join(ctx.dir, SECRETS_DIR)) return [problem(where, `${path} is outside ${posix.join(ctx.dir, SECRETS_DIR)}/ (kept out of git)`)];
    return ctx.facts.files.exists(`${path}.example`) ? [] : [problem(where, `${path}.example does not exist to document the file's format`)];
  });
}

/** All checks of a parsed compose file; an empty list means it agrees with the repository. */
export function checkCompose(doc: unknown, context: ComposeContext): Problem[] {
  const top = dict(doc);
  const ctx: Context = { ...context, services: dict(top['services']), dir: posix.dirname(context.file) };
  if (Object.keys(ctx.services).length === 0) return [problem(ctx.file, 'no services')];
  const problems = entries(ctx.services).flatMap(([name, raw]) => {
    const service = dict(raw);
    const image = imageOf(service);
    const repository = image === undefined ? undefined : parseImageRef(image).repository;
    const found = checkAnyService(name, service, ctx, top);
    if (service['build'] !== undefined || (image !== undefined && homelabService(parseImageRef(image)) !== undefined)) found.push(...checkHomelabService(name, service, ctx, top));
    if (repository === 'nats') found.push(...checkNatsService(name, service, ctx));
    if (repository === 'postgres') found.push(...checkPostgresService(name, service, ctx));
    return found;
  });
  const deployed = new Set(
    entries(ctx.services).flatMap(([, s]) => {
      const image = imageOf(dict(s));
      return image === undefined ? [] : [homelabService(parseImageRef(image))];
    }),
  );
  for (const service of ctx.facts.services.keys()) {
    if (!deployed.has(service)) problems.push(problem(ctx.file, `service ${service} is not deployed`));
  }
  return [...problems, ...checkTopLevelSecrets(top, ctx)];
}
