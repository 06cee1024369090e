import { ExecError } from './errors.js';
import { LocalExecutor, type LocalExecutorOptions, type LocalUser } from './local-executor.js';
import { SshExecutor, type SshConnectionConfig, type SshExecutorOptions } from './ssh-executor.js';
import type { CommandExecutor } from './types.js';

/** This machine. */
export interface LocalHostConfig {
  kind: 'local';
  /** Host name as the policy and audit know it. */
  name: string;
  /** Run as this user (the guard must run as root to switch). Default: the guard's own user. */
  user?: LocalUser;
}

/** A host reached over SSH. */
export interface SshHostConfig extends SshConnectionConfig {
  kind: 'ssh';
  name: string;
}

export type HostConfig = LocalHostConfig | SshHostConfig;

export interface ExecutorOptions {
  local?: Omit<LocalExecutorOptions, 'user'>;
  ssh?: SshExecutorOptions;
}

export function createExecutor(host: HostConfig, options: ExecutorOptions = {}): CommandExecutor {
  return host.kind === 'local'
    ? new LocalExecutor({ ...options.local, ...(host.user ? { user: host.user } : {}) })
    : new SshExecutor(host, options.ssh);
}

/** A host's SSH settings as configured, with the private key still a secret name. */
export interface SshHostSpec {
  name: string;
  host: string;
  port?: number;
  username: string;
  hostKeySha256: string;
  /** Name of the secret holding the private key, e.g. `GUARD_SSH_KEY_NAS` (read via `<NAME>_FILE`, `<NAME>` or Vault). */
  privateKeySecret: string;
}

/** The part of `SecretStore` needed here. */
export interface SecretSource {
  require(key: string): Promise<string>;
}

/** Fetches the host's private key from the secrets lib (which registers it for redaction). */
export async function resolveSshHost(spec: SshHostSpec, secrets: SecretSource): Promise<SshHostConfig> {
  if (!spec.privateKeySecret) throw new ExecError('SSH_INVALID_CONFIG', `SSH host ${spec.name}: privateKeySecret is not set`);
  const privateKey = await secrets.require(spec.privateKeySecret);
  return {
    kind: 'ssh',
    name: spec.name,
    host: spec.host,
    port: spec.port ?? 22,
    username: spec.username,
    hostKeySha256: spec.hostKeySha256,
    privateKey,
  };
}
