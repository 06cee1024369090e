import { OAuth2Client } from 'google-auth-library';

/** Where Google is and how patiently to talk to it. */
export interface GoogleSettings {
  clientId: string;
  clientSecret: string;
  /** Root of the JSON APIs (`rootUrl` of the @googleapis clients), with a trailing slash. */
  apiRootUrl: string;
  oauthUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** Longest wait for one request to Google, default 10 s. */
  timeoutMs?: number;
  /** Refresh this long before the access token expires; default the client library's (5 min). */
  refreshThresholdMs?: number;
  /** How long a read is served from memory, default 60 s. */
  cacheTtlMs?: number;
}

export const DEFAULT_GOOGLE_TIMEOUT_MS = 10_000;
export const DEFAULT_GOOGLE_CACHE_TTL_MS = 60_000;

/** An OAuth2Client pointed at the configured endpoints (the real ones, or a test double). */
export function createOAuthClient(settings: GoogleSettings, redirectUri?: string): OAuth2Client {
  return new OAuth2Client({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    ...(redirectUri !== undefined ? { redirectUri } : {}),
    endpoints: {
      oauth2AuthBaseUrl: settings.oauthUrl,
      oauth2TokenUrl: settings.tokenUrl,
      oauth2RevokeUrl: settings.revokeUrl,
    },
    ...(settings.refreshThresholdMs !== undefined ? { eagerRefreshThresholdMillis: settings.refreshThresholdMs } : {}),
    // every request of this client: token, revoke, and the API calls it authorizes
    transporterOptions: { timeout: settings.timeoutMs ?? DEFAULT_GOOGLE_TIMEOUT_MS },
  });
}
