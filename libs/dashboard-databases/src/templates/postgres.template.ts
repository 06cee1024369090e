import { encodeUserInfo, MIB, sqlIdentifier, urlHost, type DatabaseTemplate } from './database-template.js';

/**
 * PostgreSQL (official image). The dump is pg_dump's custom format (compressed,
 * restorable selectively); the restore runs in one transaction, so a broken
 * dump leaves the database as it was. Both connect over the container's Unix
 * socket, which the official image trusts, so no password travels.
 */
export const postgresTemplate: DatabaseTemplate = {
  engine: 'postgres',
  label: 'PostgreSQL 17',
  image: 'postgres:17.2-bookworm',
  port: 5432,
  dataPath: '/var/lib/postgresql/data',
  user: 'postgres',
  memoryBytes: 512 * MIB,
  healthcheck: {
    // TCP, not the socket: during initialisation the image runs a socket-only server that is restarted afterwards
    test: ['CMD-SHELL', 'pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
    intervalSeconds: 10,
    timeoutSeconds: 5,
    retries: 5,
    startPeriodSeconds: 60,
    startIntervalSeconds: 2,
  },
  environment: ({ username, databaseName, password }) => [
    `POSTGRES_USER=${username ?? 'postgres'}`,
    `POSTGRES_PASSWORD=${password}`,
    `POSTGRES_DB=${databaseName ?? 'postgres'}`,
    // password (scram) for every TCP client; stated, not left to the image's default
    'POSTGRES_HOST_AUTH_METHOD=scram-sha-256',
  ],
  identity: (name) => ({ username: sqlIdentifier(name), databaseName: sqlIdentifier(name) }),
  backup: {
    extension: 'dump',
    cmd: ['sh', '-c', 'exec pg_dump --format=custom --no-password -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
  },
  restore: {
    cmd: ['sh', '-c', 'exec pg_restore --clean --if-exists --single-transaction --no-owner --no-password -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
  },
  connectionString: ({ username, password, host, port, databaseName }) =>
    `postgresql://${encodeUserInfo(username, password)}${urlHost(host)}:${port}/${encodeURIComponent(databaseName ?? 'postgres')}`,
};
