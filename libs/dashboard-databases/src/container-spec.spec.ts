import { describe, expect, it } from 'vitest';
import { containerCreateOptions } from './container-spec.js';
import { DATABASE_ENGINES, type DatabaseEngine } from './database.types.js';
import { dockerNames } from './database-naming.js';
import { nativePasswordHash } from './templates/mariadb.template.js';
import { templateFor, templateSummaries } from './templates/templates.js';

const PASSWORD = 'Secretpassword0123456789abcdefXY';

function optionsFor(engine: DatabaseEngine, overrides: { hostPort?: number | null; bindAddress?: string } = {}) {
  const template = templateFor(engine);
  return containerCreateOptions({
    id: '00000000-0000-4000-8000-000000000001',
    name: 'app-db',
    engine,
    ...dockerNames('app-db'),
    template,
    credentials: { ...template.identity('app-db'), password: PASSWORD },
    hostPort: overrides.hostPort ?? null,
    bindAddress: overrides.bindAddress ?? '127.0.0.1',
  });
}

describe.each(DATABASE_ENGINES)('the %s template', (engine) => {
  const template = templateFor(engine);
  const options = optionsFor(engine);

  it('pins its image to a version tag', () => {
    expect(template.image).toMatch(/^[a-z]+:\d+\.\d+(\.\d+)?-[a-z]+$/);
    expect(options.Image).toBe(template.image);
  });

  it('runs unprivileged, limited and restarted unless stopped', () => {
    expect(options.User).toBe(template.user);
    expect(options.User).not.toMatch(/^(root|0)?$/);
    expect(options.HostConfig).toMatchObject({
      RestartPolicy: { Name: 'unless-stopped' },
      Memory: template.memoryBytes,
      MemorySwap: template.memoryBytes,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
    });
    expect(template.memoryBytes).toBeGreaterThanOrEqual(128 * 1024 * 1024);
  });

  it('keeps its data in the named volume and publishes its port on 127.0.0.1 by default', () => {
    expect(options.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: 'homelab-db-app-db-data', Target: template.dataPath }]);
    expect(options.ExposedPorts).toEqual({ [`${template.port}/tcp`]: {} });
    expect(options.HostConfig?.PortBindings).toEqual({ [`${template.port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(optionsFor(engine, { hostPort: 15432, bindAddress: '0.0.0.0' }).HostConfig?.PortBindings).toEqual({
      [`${template.port}/tcp`]: [{ HostIp: '0.0.0.0', HostPort: '15432' }],
    });
  });

  it('is labelled as a managed database', () => {
    expect(options.Labels).toEqual({
      'homelab.managed': 'database',
      'homelab.database.id': '00000000-0000-4000-8000-000000000001',
      'homelab.database.name': 'app-db',
      'homelab.database.engine': engine,
    });
  });

  it('has a health check with a start period, in nanoseconds', () => {
    expect(options.Healthcheck?.Test?.[0]).toMatch(/^CMD(-SHELL)?$/);
    expect(options.Healthcheck?.Interval).toBe(template.healthcheck.intervalSeconds * 1e9);
    expect(options.Healthcheck?.StartPeriod).toBeGreaterThan(0);
    expect(options.Healthcheck?.Retries).toBeGreaterThan(0);
  });

  it('puts the password only in the Env, never in a command line, health check or dump command', () => {
    expect(options.Env?.some((entry) => entry.endsWith(`=${PASSWORD}`))).toBe(true);
    const commandLines = [options.Cmd ?? [], options.Healthcheck?.Test ?? [], template.backup.cmd, template.restore.cmd].flat().join(' ');
    expect(commandLines).not.toContain(PASSWORD);
  });

  it('dumps to stdout and restores from stdin inside the container', () => {
    expect(template.backup.cmd.length).toBeGreaterThan(0);
    expect(template.restore.cmd.length).toBeGreaterThan(0);
    expect(template.backup.extension).toMatch(/^[a-z]+$/);
  });

  it('builds a connection string that carries the credentials URL-encoded', () => {
    const url = new URL(template.connectionString({ username: 'u', password: 'p@ss/word', host: '::1', port: 1234, databaseName: 'd' }));
    expect(decodeURIComponent(url.password)).toBe('p@ss/word');
    expect(url.hostname).toBe('[::1]');
    expect(url.port).toBe('1234');
  });
});

describe('engine specifics', () => {
  const env = (engine: DatabaseEngine): string[] => (optionsFor(engine).Env ?? []).map((entry) => entry.split('=')[0] ?? '');

  it('PostgreSQL: POSTGRES_* env, pg_isready over TCP, pg_dump -Fc and a single-transaction pg_restore --clean --if-exists', () => {
    const t = templateFor('postgres');
    expect(env('postgres')).toEqual(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'POSTGRES_HOST_AUTH_METHOD']);
    expect(t.healthcheck.test.join(' ')).toContain('pg_isready -q -h 127.0.0.1');
    expect(t.backup.cmd.join(' ')).toContain('pg_dump --format=custom');
    expect(t.restore.cmd.join(' ')).toMatch(/pg_restore --clean --if-exists --single-transaction/);
    expect(t.identity('app-db')).toEqual({ username: 'app_db', databaseName: 'app_db' });
  });

  it('MariaDB: the image health check script, a consistent dump and a root account nobody holds the password of', () => {
    const t = templateFor('mariadb');
    expect(t.healthcheck.test).toEqual(['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized']);
    expect(t.backup.cmd.join(' ')).toContain('mariadb-dump --single-transaction');
    expect(t.restore.cmd.join(' ')).toContain('exec mariadb --batch');
    expect(t.backup.cmd.join(' ')).toContain('MYSQL_PWD="$MARIADB_PASSWORD"');
    const rootHash = (optionsFor('mariadb').Env ?? []).find((e) => e.startsWith('MARIADB_ROOT_PASSWORD_HASH='))?.split('=')[1];
    expect(rootHash).toMatch(/^\*[0-9A-F]{40}$/);
    expect(env('mariadb')).not.toContain('MARIADB_ROOT_PASSWORD');
    expect(env('mariadb')).not.toContain('MARIADB_RANDOM_ROOT_PASSWORD');
    // MySQL's documented test vector for PASSWORD('password')
    expect(nativePasswordHash('password')).toBe('*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19');
  });

  it('Redis: password from the Env through a here-doc, ping with REDISCLI_AUTH, --rdb backup and a reload-based restore', () => {
    const t = templateFor('redis');
    expect(env('redis')).toEqual(['REDIS_PASSWORD']);
    expect(t.cmd?.join(' ')).toContain('exec redis-server - <<EOF');
    expect(t.cmd?.join('\n')).toContain('requirepass $REDIS_PASSWORD');
    expect(t.healthcheck.test.join(' ')).toContain('REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p "${REDIS_PORT:-6379}" ping');
    expect(t.backup.cmd.join(' ')).toContain('--rdb -');
    expect(t.restore.cmd.join('\n')).toContain('DEBUG RELOAD NOSAVE');
    expect(t.restore.cmd.join('\n')).toContain('redis-check-rdb');
  });

  it('MongoDB: root user env, mongosh ping, archive dump and --drop restore with the password in a private file', () => {
    const t = templateFor('mongodb');
    expect(env('mongodb')).toEqual(['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD', 'MONGO_INITDB_DATABASE']);
    expect(t.healthcheck.test.join(' ')).toContain("db.adminCommand('ping')");
    expect(t.backup.cmd.join(' ')).toMatch(/mongodump .* --archive$/);
    expect(t.restore.cmd.join(' ')).toMatch(/mongorestore .* --archive --drop$/);
    expect(t.backup.cmd.join(' ')).toContain('umask 077');
    expect(t.connectionString({ username: 'u', password: 'p', host: 'h', port: 1, databaseName: 'd' })).toBe('mongodb://u:p@h:1/d?authSource=admin');
  });

  it('lists one template per engine for the API', () => {
    expect(templateSummaries().map((t) => t.engine)).toEqual(['postgres', 'mariadb', 'redis', 'mongodb']);
    expect(templateSummaries().every((t) => t.backup && !t.image.endsWith(':latest'))).toBe(true);
  });
});
