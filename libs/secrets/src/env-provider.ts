import type { SecretEnvironment, SecretProvider } from './secret-provider.js';

/** Reads `env[key]`. An empty value counts as unset, as it does for configuration. */
export class EnvSecretProvider implements SecretProvider {
  readonly name = 'env';

  constructor(private readonly env: SecretEnvironment) {}

  async get(key: string): Promise<string | undefined> {
    const value = this.env[key];
    return value === '' ? undefined : value;
  }
}
