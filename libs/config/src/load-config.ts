import { z } from 'zod';
import { metaOf } from './variable.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Looks a sensitive value up in the secret stores (env, `*_FILE`, Vault). */
export type SecretResolver = (name: string) => Promise<string | undefined>;

/** A bad or missing variable: `message` is the one line printed before exit. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

export function sensitiveVariables(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => metaOf(field as z.ZodType)?.sensitive)
    .map(([name]) => name);
}

/**
 * Reads and validates a service's configuration. Sensitive variables go
 * through `resolveSecret` so they can come from files or Vault; other
 * variables come from `env`. The first problem is reported as one line that
 * names the variable and never echoes a sensitive value.
 */
export async function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Environment,
  resolveSecret?: SecretResolver,
): Promise<z.output<S>> {
  const sensitive = new Set(sensitiveVariables(schema));
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(schema.shape)) {
    const raw = sensitive.has(name) && resolveSecret ? await resolveSecret(name) : env[name];
    input[name] = raw === '' ? undefined : raw;
  }
  return parseConfig(schema, input, sensitive);
}

/** Synchronous validation of already-collected values (no secret lookups). */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  input: Record<string, string | undefined>,
  sensitive: ReadonlySet<string> = new Set(sensitiveVariables(schema)),
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ConfigError('(unknown)', 'is invalid');
  const name = String(issue.path[0] ?? '(unknown)');
  const value = input[name];
  if (value === undefined) throw new ConfigError(name, 'is required but not set');
  const shown = sensitive.has(name) ? '' : ` (got "${value.length > 60 ? `${value.slice(0, 57)}...` : value}")`;
  throw new ConfigError(name, `${issue.message}${shown}`);
}

/** The process environment; the only place outside tests that reads it. */
export function processEnvironment(): Environment {
  return process.env;
}
