/** One place secrets can come from (environment, mounted files, Vault…). */
export interface SecretProvider {
  /** Shown in "not found" errors, e.g. `env`, `file`, `vault:secret/homelab/dashboard`. */
  readonly name: string;
  /** The value of `key`, or `undefined` when this provider does not have it. Throws when the source is broken. */
  get(key: string): Promise<string | undefined>;
}

export type SecretEnvironment = Readonly<Record<string, string | undefined>>;
