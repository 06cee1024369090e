import { z } from 'zod';
import { booleanFlag, positiveInt, url, variable } from '../variable.js';
import { commonVariables } from './common.js';

const commaList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** Login, sessions and single sign-on. */
const authVariables = {
  DASHBOARD_ADMIN_USERNAME: variable(
    z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'may hold letters, digits and . _ @ - only').default('admin'),
    { description: 'Name of the local admin account created on first start.' },
  ),
  DASHBOARD_ADMIN_PASSWORD: variable(z.string().min(1).optional(), {
    description:
      'Creates the local admin account on first start when no account exists (checked against the password rules). Without it, the one-time setup page creates it.',
    sensitive: true,
  }),
  DASHBOARD_SETUP_TOKEN: variable(z.string().min(24, 'must be at least 24 characters').optional(), {
    description:
      'One-time token the setup page asks for before it creates the first admin account; `npm start` makes one and prints the setup link. Unset with no account: the setup page refuses.',
    sensitive: true,
  }),
  DASHBOARD_SESSION_TTL_HOURS: variable(positiveInt(12, 720), { description: 'A login lasts at most this long.' }),
  DASHBOARD_SESSION_IDLE_MINUTES: variable(positiveInt(120, 43_200), {
    description: 'A session unused for this long ends.',
  }),
  DASHBOARD_COOKIE_SECURE: variable(z.enum(['auto', 'always', 'never']).default('auto'), {
    description:
      'Secure flag of the session cookie: `auto` sets it on HTTPS requests and on localhost (browsers accept it there), `always` everywhere.',
  }),
  DASHBOARD_TRUST_PROXY: variable(booleanFlag(false), {
    description: 'Believe X-Forwarded-For/-Proto from a reverse proxy in front of the dashboard (client address for rate limits, HTTPS detection).',
  }),
  DASHBOARD_PUBLIC_URL: variable(url(['http', 'https']).optional(), {
    description: 'The address users open, e.g. behind a reverse proxy; used for the OIDC callback and the Origin check.',
    example: 'https://dash.home.example',
  }),
  DASHBOARD_LOGIN_ATTEMPTS: variable(positiveInt(10, 1000), {
    description: 'Login attempts allowed per client address and per user name in 15 minutes (shared by replicas).',
  }),
  OIDC_ISSUER_URL: variable(url(['http', 'https']).optional(), {
    description: 'OpenID Connect issuer (e.g. an Authentik application); enables "Sign in with SSO".',
    example: 'https://auth.home.example/application/o/dashboard/',
  }),
  OIDC_CLIENT_ID: variable(z.string().min(1).optional(), { description: 'OIDC client id.' }),
  OIDC_CLIENT_SECRET: variable(z.string().min(1).optional(), { description: 'OIDC client secret.', sensitive: true }),
  OIDC_ADMIN_GROUPS: variable(commaList.default([]), {
    description: 'Comma-separated groups whose members become `admin`; every other OIDC user is a `viewer`.',
  }),
  OIDC_ROLE_CLAIM: variable(z.string().min(1).default('groups'), { description: 'Claim holding the user\'s groups.' }),
};

/** Docker hosts and containers. */
const dockerVariables = {
  DOCKER_HOSTS: variable(z.string().min(1).default('local=unix:///var/run/docker.sock'), {
    description:
      'Docker engines to manage, comma-separated `name=endpoint`: `unix:///path/docker.sock`, `https://host:2376` (TLS, verified with DOCKER_TLS_*) or `http://host:2375` (plain, e.g. a socket proxy on a trusted network).',
    example: 'local=unix:///var/run/docker.sock,nas=https://nas.lan:2376',
  }),
  DOCKER_TLS_CA: variable(z.string().min(1).optional(), {
    description: 'PEM of the CA that signed the `https://` Docker hosts\' certificates (or DOCKER_TLS_CA_FILE).',
    sensitive: true,
  }),
  DOCKER_TLS_CERT: variable(z.string().min(1).optional(), {
    description: 'PEM client certificate for `https://` Docker hosts (or DOCKER_TLS_CERT_FILE).',
    sensitive: true,
  }),
  DOCKER_TLS_KEY: variable(z.string().min(1).optional(), {
    description: 'PEM private key of the client certificate (or DOCKER_TLS_KEY_FILE).',
    sensitive: true,
  }),
  DOCKER_REFRESH_INTERVAL_MS: variable(positiveInt(5000, 600_000), {
    description: 'How often each Docker host\'s container list is refreshed (events update it in between).',
  }),
  DOCKER_TIMEOUT_MS: variable(positiveInt(5000, 120_000), { description: 'Timeout of one Docker API call.' }),
};

/** Host metrics. */
const hostMetricsVariables = {
  HOST_METRICS_HOST: variable(z.string().trim().min(1).max(253).optional(), {
    description: 'Name the host\'s metrics are recorded under; default the machine\'s hostname (set it in containers, whose hostname changes when recreated).',
  }),
  HOST_METRICS_INTERVAL_MS: variable(positiveInt(10_000, 3_600_000), { description: 'How often host metrics are sampled.' }),
  HOST_METRICS_RETENTION_DAYS: variable(positiveInt(30, 3650), {
    description: 'How long downsampled host metrics are kept (the last 24 h keep full resolution).',
  }),
};

/** Services catalog, health checks, JetStream consumers. */
const monitorVariables = {
  CATALOG_FILE: variable(z.string().min(1).optional(), {
    description: 'YAML catalog of the homelab\'s other services and their health checks; edited in the UI or by hand (reloaded on change).',
    example: '/etc/homelab/catalog.yaml',
  }),
  MONITOR_INTERVAL_MS: variable(positiveInt(30_000, 3_600_000), { description: 'How often each catalog service is checked.' }),
  MONITOR_TIMEOUT_MS: variable(positiveInt(5000, 120_000), { description: 'Timeout of one health check.' }),
  JETSTREAM_PENDING_ALERT: variable(positiveInt(1000, 100_000_000), {
    description: 'Messages waiting for one JetStream consumer above which an alert is raised.',
  }),
  JETSTREAM_ALERT_AFTER_MS: variable(positiveInt(120_000, 86_400_000), {
    description: 'How long work must keep piling up before the alert is raised.',
  }),
};

/** Domains, TLS certificates and broken-link scans. */
const domainVariables = {
  DOMAIN_CHECK_INTERVAL_MS: variable(positiveInt(300_000, 86_400_000), { description: 'How often each domain is checked.' }),
  DNS_SERVERS: variable(commaList.optional(), {
    description: 'DNS servers (`ip` or `ip:port`, comma-separated) used for domain checks; default the system resolver.',
    example: '192.168.1.1,1.1.1.1',
  }),
  DOMAIN_CA_FILE: variable(z.string().min(1).optional(), {
    description:
      'PEM file of extra certificate authorities (e.g. your own step-ca) trusted for domain checks and link scans, on top of the system CAs.',
    example: '/etc/homelab/home-ca.pem',
  }),
  TLS_WARN_DAYS: variable(positiveInt(21, 365), { description: 'Days before a certificate expires when a warning is raised (per-domain override).' }),
  TLS_CRITICAL_DAYS: variable(positiveInt(7, 365), { description: 'Days before expiry when the alert turns critical (per-domain override).' }),
  LINK_SCAN_INTERVAL_MS: variable(positiveInt(86_400_000, 30 * 86_400_000), {
    description: 'How often static sites are scanned for broken links.',
  }),
  LINK_SCAN_MAX_PAGES: variable(positiveInt(200, 100_000), { description: 'Pages one link scan crawls at most.' }),
};

/** One-click databases and their backups. */
const databaseVariables = {
  BACKUP_DIR: variable(z.string().min(1).default('/var/lib/homelab/backups'), {
    description: 'Directory backups of one-click databases are written to (`npm start`: `.data/backups`).',
  }),
  DATABASE_BACKUP_SCHEDULE: variable(z.string().min(1).default('0 3 * * *'), {
    description: 'Default cron schedule of backups for a new one-click database.',
  }),
  DATABASE_BACKUP_RETENTION: variable(positiveInt(7, 1000), { description: 'Default number of backups kept per database.' }),
};

/** Jarvis, the AI operator: an OpenAI-compatible model; it acts only through jarvis-guard. */
const jarvisVariables = {
  JARVIS_MODEL_BASE_URL: variable(url(['http', 'https']).default('http://127.0.0.1:11434/v1'), {
    description: 'OpenAI-compatible chat API Jarvis talks to: a local model server (Ollama, the default), OpenAI (`https://api.openai.com/v1`) or any compatible one.',
  }),
  JARVIS_MODEL: variable(z.string().trim().min(1).max(200).default('llama3.1'), {
    description: 'Model name the chat API is asked for (it must support tool calls).',
  }),
  JARVIS_MODEL_API_KEY: variable(z.string().min(1).optional(), {
    description: 'API key for the chat API (OpenAI and other hosted ones; a local Ollama needs none).',
    sensitive: true,
  }),
  JARVIS_MODEL_TIMEOUT_MS: variable(positiveInt(120_000, 600_000), { description: 'Longest wait for one model reply.' }),
  JARVIS_MAX_TOOL_ROUNDS: variable(positiveInt(8, 50), {
    description: 'Tool calls Jarvis may chain for one question before it must answer.',
  }),
  JARVIS_APPROVAL_WAIT_MS: variable(positiveInt(15 * 60_000, 24 * 3_600_000), {
    description: 'How long Jarvis waits for a human to approve a command before it gives up (the guard expires the approval too).',
  }),
};

/** Home Assistant (WebSocket API). */
const homeAssistantVariables = {
  HOME_ASSISTANT_URL: variable(url(['http', 'https']).optional(), {
    description: 'Home Assistant\'s address; enables the Home panel and Jarvis\'s home tools.',
    example: 'http://homeassistant.local:8123',
  }),
  HOME_ASSISTANT_TOKEN: variable(z.string().min(1).optional(), {
    description: 'A long-lived access token of a Home Assistant user (Profile → Security).',
    sensitive: true,
  }),
};

/** Google Calendar, Gmail and Drive (OAuth). */
const googleVariables = {
  GOOGLE_CLIENT_ID: variable(z.string().min(1).optional(), {
    description: 'OAuth client id (Google Cloud console, type "Web application"); enables the Google panel.',
  }),
  GOOGLE_CLIENT_SECRET: variable(z.string().min(1).optional(), { description: 'OAuth client secret.', sensitive: true }),
  GOOGLE_CACHE_MS: variable(positiveInt(60_000, 3_600_000), {
    description: 'How long a Calendar, Gmail or Drive answer is reused by the panel and Jarvis before Google is asked again.',
  }),
  GOOGLE_API_ROOT_URL: variable(url(['http', 'https']).default('https://www.googleapis.com/'), {
    description: 'Root of Google\'s APIs (Calendar, Gmail, Drive); changed only to point at a test double.',
  }),
  GOOGLE_OAUTH_URL: variable(url(['http', 'https']).default('https://accounts.google.com/o/oauth2/v2/auth'), {
    description: 'Google\'s OAuth consent page; changed only to point at a test double.',
  }),
  GOOGLE_TOKEN_URL: variable(url(['http', 'https']).default('https://oauth2.googleapis.com/token'), {
    description: 'Google\'s OAuth token endpoint; changed only to point at a test double.',
  }),
  GOOGLE_REVOKE_URL: variable(url(['http', 'https']).default('https://oauth2.googleapis.com/revoke'), {
    description: 'Google\'s token revocation endpoint; changed only to point at a test double.',
  }),
};

export const dashboardConfig = z.object({
  ...commonVariables('dashboard'),
  SERVICES_HEALTH_TIMEOUT_MS: variable(positiveInt(2000, 30_000), {
    description: 'How long the services overview waits for each service to answer its health request.',
  }),
  DASHBOARD_WEB_DIR: variable(z.string().min(1).optional(), {
    description: 'Directory of the built web UI; default the one built next to the service.',
  }),
  ...authVariables,
  ...dockerVariables,
  ...hostMetricsVariables,
  ...monitorVariables,
  ...domainVariables,
  ...databaseVariables,
  ...jarvisVariables,
  ...homeAssistantVariables,
  ...googleVariables,
});
