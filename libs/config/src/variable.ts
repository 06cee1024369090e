import { z } from 'zod';

/** What the README and the deploy checks need to know about one variable. */
export interface VariableMeta {
  description: string;
  /** Sensitive values are read from env, `<NAME>_FILE` or Vault, redacted from logs and never echoed in errors. */
  sensitive?: boolean;
  /** Example shown in docs; never a real secret. */
  example?: string;
}

export const variables = z.registry<VariableMeta>();

/** Attach documentation to a variable schema; returns the same schema. */
export function variable<T extends z.ZodType>(schema: T, meta: VariableMeta): T {
  variables.add(schema, meta);
  return schema;
}

export function metaOf(schema: z.ZodType): VariableMeta | undefined {
  return variables.get(schema);
}

/** Environment values are strings: these coerce and say what they expect. */
export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback);

export const positiveInt = (fallback: number, max = 2_147_483_647) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .positive('must be greater than 0')
    .max(max, `must be at most ${max}`)
    .default(fallback);

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { error: `must be a URL (${protocols.map((p) => `${p}://`).join(', ')})` },
  );

/** Comma-separated list of NATS server URLs (one per cluster node). */
export const natsServers = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(url(['nats', 'tls', 'ws', 'wss'])).min(1, 'must name at least one server'));
