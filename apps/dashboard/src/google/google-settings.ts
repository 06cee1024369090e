import { ConfigError } from '@homelab/config';
import type { GoogleSettings } from '@homelab/dashboard-google';
import type { DashboardConfig } from '../dashboard-config.js';

export const GOOGLE_CALLBACK_PATH = '/api/google/callback';

/** The Google block of the configuration; half of a client (id without secret) stops start-up naming the missing variable. */
export function readGoogleSettings(config: DashboardConfig): GoogleSettings | undefined {
  const { GOOGLE_CLIENT_ID: clientId, GOOGLE_CLIENT_SECRET: clientSecret } = config;
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined) throw new ConfigError('GOOGLE_CLIENT_ID', 'is required when GOOGLE_CLIENT_SECRET is set (Google panel)');
  if (clientSecret === undefined) throw new ConfigError('GOOGLE_CLIENT_SECRET', 'is required when GOOGLE_CLIENT_ID is set (Google panel)');
  return {
    clientId,
    clientSecret,
    apiRootUrl: config.GOOGLE_API_ROOT_URL.endsWith('/') ? config.GOOGLE_API_ROOT_URL : `${config.GOOGLE_API_ROOT_URL}/`,
    oauthUrl: config.GOOGLE_OAUTH_URL,
    tokenUrl: config.GOOGLE_TOKEN_URL,
    revokeUrl: config.GOOGLE_REVOKE_URL,
    cacheTtlMs: config.GOOGLE_CACHE_MS,
  };
}

/** Where Google sends the browser back: DASHBOARD_PUBLIC_URL when set, else the address the admin used. */
export function googleRedirectUri(publicUrl: string | undefined, requestOrigin: string): string {
  if (publicUrl === undefined) return `${requestOrigin}${GOOGLE_CALLBACK_PATH}`;
  const url = new URL(publicUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${GOOGLE_CALLBACK_PATH}`;
}
