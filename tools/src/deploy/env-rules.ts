import type { z } from 'zod';
import { problem, type Problem } from './problems.js';
import type { ServiceFacts } from './repo-facts.js';

/** One variable a deployment sets on a service; `value` is undefined when it comes from elsewhere (valueFrom). */
export interface EnvEntry {
  name: string;
  value: string | undefined;
  where: string;
}

const FILE_SUFFIX = '_FILE';
const CONTAINER_HOSTS = new Set(['0.0.0.0', '::']);

function field(service: ServiceFacts, name: string): z.ZodType | undefined {
  return service.schema.shape[name] as z.ZodType | undefined;
}

function checkFileVariable(service: ServiceFacts, entry: EnvEntry): Problem[] {
  const base = entry.name.slice(0, -FILE_SUFFIX.length);
  if (!service.variables.has(base)) {
    return [problem(entry.where, `${entry.name}: ${base} is not a variable of ${service.name} (configSchemas)`)];
  }
  if (!service.sensitive.has(base)) {
    return [problem(entry.where, `${entry.name}: only sensitive variables are read from files; set ${base} itself`)];
  }
  return [];
}

function checkValue(service: ServiceFacts, entry: EnvEntry): Problem[] {
  if (entry.value === undefined) return [];
  const parsed = field(service, entry.name)?.safeParse(entry.value === '' ? undefined : entry.value);
  if (parsed && !parsed.success) {
    return [problem(entry.where, `${entry.name}="${entry.value}" is invalid: ${parsed.error.issues[0]?.message ?? 'rejected by the schema'}`)];
  }
  if (entry.name === 'HTTP_HOST' && !CONTAINER_HOSTS.has(entry.value)) {
    return [problem(entry.where, `HTTP_HOST="${entry.value}": a container must bind 0.0.0.0 to be reachable`)];
  }
  return [];
}

/**
 * Every name must be a variable of the service's schema; sensitive ones only
 * as `<NAME>_FILE`, and `_FILE` only for sensitive ones; literal values must
 * pass the variable's schema.
 */
export function checkServiceEnv(service: ServiceFacts, env: readonly EnvEntry[]): Problem[] {
  return env.flatMap((entry) => {
    if (isFileVariable(service, entry.name)) return checkFileVariable(service, entry);
    if (!service.variables.has(entry.name)) {
      return [problem(entry.where, `${entry.name} is not a variable of ${service.name} (configSchemas)`)];
    }
    if (service.sensitive.has(entry.name)) {
      return [problem(entry.where, `${entry.name} is sensitive: mount it as a secret file and set ${entry.name}${FILE_SUFFIX}`)];
    }
    return checkValue(service, entry);
  });
}

/** HTTP_PORT as the service will read it: the last explicit value, else the schema default. */
export function effectiveHttpPort(service: ServiceFacts, env: readonly EnvEntry[]): number | undefined {
  const explicit = env.filter((e) => e.name === 'HTTP_PORT').at(-1);
  if (!explicit) return service.defaultHttpPort;
  if (explicit.value === undefined) return undefined;
  const parsed = field(service, 'HTTP_PORT')?.safeParse(explicit.value);
  return parsed?.success && typeof parsed.data === 'number' ? parsed.data : undefined;
}

/**
 * `<NAME>_FILE` naming the file a secret is read from — unless the schema has a
 * variable of that very name (a path such as CATALOG_FILE or GUARD_POLICY_FILE).
 */
export function isFileVariable(service: ServiceFacts, name: string): boolean {
  return name.endsWith(FILE_SUFFIX) && !service.variables.has(name);
}
