import { describe, expect, it } from 'vitest';
import { ConfigError } from '@homelab/config';
import type { DashboardConfig } from '../dashboard-config.js';
import { googleRedirectUri, readGoogleSettings } from './google-settings.js';

const defaults = {
  GOOGLE_API_ROOT_URL: 'https://www.googleapis.com',
  GOOGLE_OAUTH_URL: 'https://accounts.google.com/o/oauth2/v2/auth',
  GOOGLE_TOKEN_URL: 'https://oauth2.googleapis.com/token',
  GOOGLE_REVOKE_URL: 'https://oauth2.googleapis.com/revoke',
  GOOGLE_CACHE_MS: 60_000,
};

function config(extra: Record<string, string>): DashboardConfig {
  return { ...defaults, ...extra } as unknown as DashboardConfig;
}

describe('readGoogleSettings', () => {
  it('is undefined without a client, and needs both halves of one', () => {
    expect(readGoogleSettings(config({}))).toBeUndefined();
    expect(() => readGoogleSettings(config({ GOOGLE_CLIENT_ID: 'id' }))).toThrow(ConfigError);
    expect(() => readGoogleSettings(config({ GOOGLE_CLIENT_SECRET: 'secret' }))).toThrow(/GOOGLE_CLIENT_ID/);
  });

  it('gives the API root a trailing slash and passes the cache time on', () => {
    const settings = readGoogleSettings(config({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' }));
    expect(settings?.apiRootUrl).toBe('https://www.googleapis.com/');
    expect(settings?.cacheTtlMs).toBe(60_000);
  });
});

describe('googleRedirectUri', () => {
  it('uses DASHBOARD_PUBLIC_URL (with its path) when set, else the address the admin used', () => {
    expect(googleRedirectUri('https://dash.home.example/', 'http://10.0.0.2:8080')).toBe('https://dash.home.example/api/google/callback');
    expect(googleRedirectUri('https://home.example/dash/', 'http://10.0.0.2:8080')).toBe('https://home.example/dash/api/google/callback');
    expect(googleRedirectUri(undefined, 'http://10.0.0.2:8080')).toBe('http://10.0.0.2:8080/api/google/callback');
  });
});
