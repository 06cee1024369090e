import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeIssues } from '@homelab/contracts';
import { ConfigError } from '@homelab/config';
import { createExecutor, resolveSshHost, type HostConfig, type SecretSource } from '@homelab/guard-exec';
import type { TargetHost } from '@homelab/guard-control';

export const LOCAL_HOST = 'local';

const hostsFile = z
  .array(
    z
      .object({
        name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'must be a lower-case host name'),
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).optional(),
        username: z.string().min(1),
        hostKeySha256: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be an OpenSSH SHA256 fingerprint (ssh-keygen -lf)'),
        privateKeySecret: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must name a secret variable, e.g. GUARD_SSH_KEY_NAS'),
      })
      .strict(),
  )
  .refine((hosts) => new Set(hosts.map((h) => h.name)).size === hosts.length, 'host names must be unique')
  .refine((hosts) => hosts.every((h) => h.name !== LOCAL_HOST), `"${LOCAL_HOST}" is reserved for the guard's own machine`);

/** The guard's own machine, plus the SSH hosts of GUARD_HOSTS_FILE with their keys from the secret store. */
export async function loadHosts(path: string | undefined, secrets: SecretSource): Promise<Map<string, TargetHost>> {
  const configs: HostConfig[] = [{ kind: 'local', name: LOCAL_HOST }];
  if (path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new ConfigError('GUARD_HOSTS_FILE', `names a file that cannot be read (${path})`);
    }
    const parsed = hostsFile.safeParse(parseYaml(text));
    if (!parsed.success) throw new ConfigError('GUARD_HOSTS_FILE', `(${path}) is invalid: ${describeIssues(parsed.error)}`);
    for (const spec of parsed.data) configs.push(await resolveSshHost(spec, secrets));
  }
  return new Map(configs.map((config) => [config.name, { config, executor: createExecutor(config) }]));
}
