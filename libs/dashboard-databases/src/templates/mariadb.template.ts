import { createHash, randomBytes } from 'node:crypto';
import { encodeUserInfo, MIB, sqlIdentifier, urlHost, type DatabaseTemplate } from './database-template.js';

/** `mysql_native_password` hash (`*` + SHA1(SHA1(password)) in hex), as MARIADB_ROOT_PASSWORD_HASH expects. */
export function nativePasswordHash(password: string): string {
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}

/**
 * MariaDB (official image). The dump is a consistent InnoDB snapshot
 * (`--single-transaction`, no table locks) of the application database with
 * routines, triggers and events; it drops and re-creates each table, so the
 * restore replaces them. The password reaches the clients through MYSQL_PWD,
 * read from the container's own Env — never on a command line.
 */
export const mariadbTemplate: DatabaseTemplate = {
  engine: 'mariadb',
  label: 'MariaDB 11.4 LTS',
  image: 'mariadb:11.4.4-noble',
  port: 3306,
  dataPath: '/var/lib/mysql',
  user: 'mysql',
  memoryBytes: 512 * MIB,
  healthcheck: {
    test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
    intervalSeconds: 10,
    timeoutSeconds: 5,
    retries: 5,
    startPeriodSeconds: 90,
    startIntervalSeconds: 2,
  },
  environment: ({ username, databaseName, password }) => [
    `MARIADB_USER=${username ?? 'app'}`,
    `MARIADB_PASSWORD=${password}`,
    `MARIADB_DATABASE=${databaseName ?? 'app'}`,
    // Root gets the hash of a random password nobody keeps (MARIADB_RANDOM_ROOT_PASSWORD would print it to the
    // container log, which the dashboard shows) and only on localhost: in an emergency the operator reaches it
    // through `docker exec -u root … mariadb`, the socket authentication the image also sets up.
    `MARIADB_ROOT_PASSWORD_HASH=${nativePasswordHash(randomBytes(32).toString('base64url'))}`,
    'MARIADB_ROOT_HOST=localhost',
    'MARIADB_AUTO_UPGRADE=1',
  ],
  identity: (name) => ({ username: sqlIdentifier(name), databaseName: sqlIdentifier(name) }),
  backup: {
    extension: 'sql',
    cmd: [
      'sh',
      '-c',
      'MYSQL_PWD="$MARIADB_PASSWORD" exec mariadb-dump --single-transaction --quick --routines --triggers --events --hex-blob -u "$MARIADB_USER" "$MARIADB_DATABASE"',
    ],
  },
  restore: {
    cmd: ['sh', '-c', 'MYSQL_PWD="$MARIADB_PASSWORD" exec mariadb --batch -u "$MARIADB_USER" "$MARIADB_DATABASE"'],
  },
  connectionString: ({ username, password, host, port, databaseName }) =>
    `mysql://${encodeUserInfo(username, password)}${urlHost(host)}:${port}/${encodeURIComponent(databaseName ?? '')}`,
};
