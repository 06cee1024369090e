import { describe, expect, it } from 'vitest';
import { realFacts } from './deploy.test-helpers.js';
import { checkServiceEnv, effectiveHttpPort } from './env-rules.js';
import { checkImage, isPinned, parseImageRef } from './images.js';
import { createdDatabases } from './postgres-init.js';
import { packageName, runtimeImports } from './runtime-deps.js';

const facts = realFacts();
const dashboard = facts.services.get('dashboard');
if (!dashboard) throw new Error('no dashboard');
const entry = (name: string, value?: string) => ({ name, value, where: 'w' });

describe('repository facts', () => {
  it('knows the five services, their ports, sensitive variables and databases', () => {
    expect([...facts.services.values()].map((s) => [s.name, s.defaultHttpPort, s.databaseName])).toEqual([
      ['dashboard', 3000, 'homelab_dashboard'],
      ['stream-bot', 3001, 'homelab_stream_bot'],
      ['discord-bot', 3002, 'homelab_discord_bot'],
      ['jarvis-guard', 3003, 'homelab_jarvis_guard'],
      ['automation', 3004, 'homelab_automation'],
    ]);
    expect([...dashboard.sensitive].sort()).toEqual([
      'DASHBOARD_ADMIN_PASSWORD',
      'DASHBOARD_SETUP_TOKEN',
      'DATABASE_URL',
      'DATA_ENCRYPTION_KEYS',
      'DOCKER_TLS_CA',
      'DOCKER_TLS_CERT',
      'DOCKER_TLS_KEY',
      'GOOGLE_CLIENT_SECRET',
      'HOME_ASSISTANT_TOKEN',
      'JARVIS_MODEL_API_KEY',
      'NATS_PASSWORD',
      'OIDC_CLIENT_SECRET',
      'VAULT_TOKEN',
    ]);
    const guard = facts.services.get('jarvis-guard');
    expect([...(guard?.sensitive ?? [])].sort()).toEqual(['DATABASE_URL', 'DATA_ENCRYPTION_KEYS', 'GUARD_APPROVER_TOKENS', 'GUARD_AUDIT_SIGNING_KEY', 'NATS_PASSWORD', 'VAULT_TOKEN']);
    expect(facts.healthPath).toBe('/health');
    expect(facts.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('checkServiceEnv', () => {
  it('accepts schema variables, and sensitive ones as files', () => {
    expect(checkServiceEnv(dashboard, [entry('LOG_LEVEL', 'debug'), entry('DATABASE_URL_FILE', '/run/x'), entry('SERVICES_HEALTH_TIMEOUT_MS', '500')])).toEqual([]);
  });

  it('names each kind of mistake', () => {
    const messages = checkServiceEnv(dashboard, [
      entry('PORT', '3000'),
      entry('NATS_PASSWORD', 'x'),
      entry('HTTP_PORT_FILE', '/run/x'),
      entry('TOKEN_FILE', '/run/x'),
      entry('HTTP_PORT', '70000'),
      entry('HTTP_HOST', 'localhost'),
    ]).map((p) => p.message);
    expect(messages).toEqual([
      'PORT is not a variable of dashboard (configSchemas)',
      'NATS_PASSWORD is sensitive: mount it as a secret file and set NATS_PASSWORD_FILE',
      'HTTP_PORT_FILE: only sensitive variables are read from files; set HTTP_PORT itself',
      'TOKEN_FILE: TOKEN is not a variable of dashboard (configSchemas)',
      'HTTP_PORT="70000" is invalid: must be between 1 and 65535',
      'HTTP_HOST="localhost": a container must bind 0.0.0.0 to be reachable',
    ]);
  });

  it('works out the port the service listens on', () => {
    expect(effectiveHttpPort(dashboard, [])).toBe(3000);
    expect(effectiveHttpPort(dashboard, [entry('HTTP_PORT', '8080')])).toBe(8080);
    expect(effectiveHttpPort(dashboard, [entry('HTTP_PORT', 'x')])).toBeUndefined();
  });
});

describe('images', () => {
  it('parses references', () => {
    expect(parseImageRef('nats:2.11-alpine')).toEqual({ repository: 'nats', registry: undefined, tag: '2.11-alpine', digest: undefined });
    expect(parseImageRef('docker.io/library/postgres:17@sha256:ab')).toEqual({ repository: 'postgres', registry: 'docker.io', tag: '17', digest: 'sha256:ab' });
    expect(parseImageRef('registry.lan:5000/homelab/dashboard')).toMatchObject({ repository: 'homelab/dashboard', registry: 'registry.lan:5000', tag: undefined });
  });

  it('accepts pinned upstream and versioned homelab images only', () => {
    expect(isPinned(parseImageRef('postgres:17-bookworm'))).toBe(true);
    expect(isPinned(parseImageRef('postgres@sha256:ab'))).toBe(true);
    expect(isPinned(parseImageRef('postgres:latest'))).toBe(false);
    expect(isPinned(parseImageRef('postgres:bookworm'))).toBe(false);
    expect(checkImage(`homelab/dashboard:${facts.version}`, 'w', facts)).toEqual([]);
    expect(checkImage('redis:7', 'w', facts)[0]?.message).toMatch(/known upstream/);
  });
});

describe('init script and imports', () => {
  it('finds the databases an init script creates', () => {
    expect(createdDatabases('-- CREATE DATABASE commented;\nCREATE DATABASE a;\ncreate database "B-x";\n/* CREATE DATABASE c; */')).toEqual(['a', 'B-x']);
  });

  it('finds the packages a module loads at run time', () => {
    const source = [
      "import type { A } from 'types-only';",
      "import { type B, type C } from 'also-types';",
      "import {\n  x,\n  type Y,\n} from '@scope/pkg/sub';",
      "import 'side-effect';",
      "export { z } from 'reexported';",
      "const m = await import('lazy');",
      "import { local } from './local.js';",
      "import { readFile } from 'node:fs';",
    ].join('\n');
    expect(runtimeImports(source).map(packageName).sort()).toEqual(['@scope/pkg', 'lazy', 'node:fs', 'reexported', 'side-effect']);
  });
});
