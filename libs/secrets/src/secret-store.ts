import type { SecretResolver } from '@homelab/config';
import { EnvSecretProvider } from './env-provider.js';
import { SecretNotFoundError } from './errors.js';
import { FileSecretProvider } from './file-provider.js';
import { redactor as defaultRedactor, type Redactor } from './redaction.js';
import type { SecretEnvironment, SecretProvider } from './secret-provider.js';
import { VaultKvSecretProvider, type VaultKvOptions } from './vault-kv-provider.js';

/**
 * Asks its providers in order; the first non-empty value wins. A provider
 * that fails (unreadable `*_FILE`, Vault down or denying) fails the lookup:
 * falling through to a later source could silently pick a stale value.
 * Every value handed out is registered with the redactor, so it never shows
 * up in logs or errors afterwards.
 */
export class SecretStore {
  readonly #providers: readonly SecretProvider[];

  constructor(
    providers: readonly SecretProvider[],
    private readonly redactor: Redactor = defaultRedactor,
  ) {
    this.#providers = [...providers];
  }

  /** Provider names in lookup order. */
  get providerNames(): string[] {
    return this.#providers.map((p) => p.name);
  }

  async get(key: string): Promise<string | undefined> {
    for (const provider of this.#providers) {
      const value = await provider.get(key);
      if (value !== undefined && value !== '') {
        this.redactor.register(value);
        return value;
      }
    }
    return undefined;
  }

  /** Like `get`, but a missing value is a {@link SecretNotFoundError} naming the key and the providers tried. */
  async require(key: string): Promise<string> {
    const value = await this.get(key);
    if (value === undefined) throw new SecretNotFoundError(key, this.providerNames);
    return value;
  }

  /** For `loadConfig(schema, env, store.resolver())`. */
  resolver(): SecretResolver {
    return (name) => this.get(name);
  }
}

export interface CreateSecretStoreOptions {
  /** Defaults to the process-wide redactor. */
  redactor?: Redactor;
}

/**
 * The standard lookup order: `<NAME>_FILE`, then `<NAME>`, then the Vault
 * secret when Vault is configured. The Vault token itself is registered for
 * redaction.
 */
export function createSecretStore(
  env: SecretEnvironment,
  vault?: VaultKvOptions,
  options: CreateSecretStoreOptions = {},
): SecretStore {
  const redactor = options.redactor ?? defaultRedactor;
  const providers: SecretProvider[] = [new FileSecretProvider(env), new EnvSecretProvider(env)];
  if (vault) {
    redactor.register(vault.token);
    providers.push(new VaultKvSecretProvider(vault));
  }
  return new SecretStore(providers, redactor);
}
