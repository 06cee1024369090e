import { ConfigError } from '@homelab/config';
import { checkPasswordStrength, type CookieSecureMode } from '@homelab/auth';
import type { DashboardConfig } from '../dashboard-config.js';

/** Where the OIDC provider is and how its groups map to roles. */
export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  adminGroups: readonly string[];
  roleClaim: string;
  /** Plain-HTTP issuers are accepted on loopback only (a local test provider). */
  allowInsecureHttp: boolean;
  /** Shown on the login button. */
  label: string;
}

/** The auth part of the configuration, checked once at start-up. */
export interface AuthSettings {
  sessionTtlMs: number;
  sessionIdleMs: number;
  cookieSecure: CookieSecureMode;
  trustProxy: boolean;
  publicUrl: string | undefined;
  loginAttempts: number;
  loginWindowMs: number;
  bootstrapAdmin: { username: string; password: string } | undefined;
  setupToken: string | undefined;
  oidc: OidcSettings | undefined;
}

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');
export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';
const LOGIN_WINDOW_MS = 15 * 60 * 1000;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function readOidc(config: DashboardConfig): OidcSettings | undefined {
  const parts = { OIDC_ISSUER_URL: config.OIDC_ISSUER_URL, OIDC_CLIENT_ID: config.OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: config.OIDC_CLIENT_SECRET };
  const given = Object.entries(parts).filter(([, value]) => value !== undefined);
  if (given.length === 0) return undefined;
  const missing = Object.entries(parts).find(([, value]) => value === undefined);
  if (missing !== undefined) throw new ConfigError(missing[0], `is required when ${given.map(([name]) => name).join(' and ')} ${given.length === 1 ? 'is' : 'are'} set (single sign-on)`);
  const issuer = new URL(config.OIDC_ISSUER_URL as string);
  if (issuer.protocol !== 'https:' && !isLoopback(issuer.hostname)) {
    throw new ConfigError('OIDC_ISSUER_URL', 'must be an https:// address (plain HTTP is accepted on localhost only)');
  }
  if (config.DASHBOARD_PUBLIC_URL === undefined) {
    throw new ConfigError('DASHBOARD_PUBLIC_URL', `is required for single sign-on: the provider sends users back to <DASHBOARD_PUBLIC_URL>${OIDC_CALLBACK_PATH}`);
  }
  const publicUrl = new URL(config.DASHBOARD_PUBLIC_URL);
  return {
    issuerUrl: issuer.href,
    clientId: config.OIDC_CLIENT_ID as string,
    clientSecret: config.OIDC_CLIENT_SECRET as string,
    redirectUri: `${publicUrl.origin}${publicUrl.pathname.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`,
    adminGroups: config.OIDC_ADMIN_GROUPS,
    roleClaim: config.OIDC_ROLE_CLAIM,
    allowInsecureHttp: issuer.protocol === 'http:',
    label: issuer.host,
  };
}

function readBootstrapAdmin(config: DashboardConfig): AuthSettings['bootstrapAdmin'] {
  const password = config.DASHBOARD_ADMIN_PASSWORD;
  if (password === undefined) return undefined;
  const strength = checkPasswordStrength(password);
  if (!strength.ok) throw new ConfigError('DASHBOARD_ADMIN_PASSWORD', `is too weak: ${strength.message}`);
  return { username: config.DASHBOARD_ADMIN_USERNAME, password };
}

/** Reads and cross-checks the auth variables; a bad combination stops start-up with one line naming the variable. */
export function readAuthSettings(config: DashboardConfig): AuthSettings {
  return {
    sessionTtlMs: config.DASHBOARD_SESSION_TTL_HOURS * 3_600_000,
    sessionIdleMs: config.DASHBOARD_SESSION_IDLE_MINUTES * 60_000,
    cookieSecure: config.DASHBOARD_COOKIE_SECURE,
    trustProxy: config.DASHBOARD_TRUST_PROXY,
    publicUrl: config.DASHBOARD_PUBLIC_URL,
    loginAttempts: config.DASHBOARD_LOGIN_ATTEMPTS,
    loginWindowMs: LOGIN_WINDOW_MS,
    bootstrapAdmin: readBootstrapAdmin(config),
    setupToken: config.DASHBOARD_SETUP_TOKEN,
    oidc: readOidc(config),
  };
}
