import { describe, expect, it } from 'vitest';
import { VaultError, VaultKvSecretProvider, type VaultKvOptions } from './index.js';

const base: VaultKvOptions = { address: 'http://127.0.0.1:8200', token: 'hvs.unit-test-token', path: 'homelab/x' };

function optionsError(options: Partial<VaultKvOptions>): VaultError {
  try {
    new VaultKvSecretProvider({ ...base, ...options });
  } catch (error) {
    if (error instanceof VaultError) return error;
    throw error;
  }
  throw new Error('options were accepted');
}

describe('VaultKvSecretProvider options', () => {
  it('names itself after mount and path, defaulting the mount to "secret"', () => {
    expect(new VaultKvSecretProvider(base).name).toBe('vault:secret/homelab/x');
    const custom = new VaultKvSecretProvider({ ...base, mount: '/kv/', path: '/apps/dashboard/' });
    expect(custom.secretPath).toBe('kv/apps/dashboard');
  });

  it('rejects unusable settings with reason invalid-options and without the token', () => {
    const cases: Array<[Partial<VaultKvOptions>, RegExp]> = [
      [{ address: 'not a url' }, /address is not a URL/],
      [{ address: 'ftp://vault:21' }, /http:\/\/ or https:\/\//],
      [{ mount: '/' }, /mount is empty/],
      [{ path: '' }, /path is empty/],
      [{ path: 'homelab/../other' }, /"\." or "\.\." segments/],
      [{ token: '' }, /token is empty/],
      [{ token: 'hvs.abc\r\nX-Injected: 1' }, /token is empty or contains line breaks/],
      [{ timeoutMs: 0 }, /timeoutMs/],
      [{ cacheTtlMs: -1 }, /cacheTtlMs/],
      [{ version: 1.5 }, /version/],
      [{ caCertPem: 'not a certificate' }, /not a PEM certificate/],
      [{ caCertPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, /not a PEM certificate/],
    ];
    for (const [options, expected] of cases) {
      const error = optionsError(options);
      expect(error.reason).toBe('invalid-options');
      expect(error.message).toMatch(expected);
      expect(error.message).not.toContain('hvs.');
    }
  });
});
