import { encodeUserInfo, MIB, sqlIdentifier, urlHost, type DatabaseTemplate } from './database-template.js';

/**
 * The tools read the password from a file made only for the command (mode
 * 600, removed afterwards): `--password` on the command line would show it
 * in every `ps` on the host while the dump runs.
 */
function withPasswordConfig(tool: string): string {
  return [
    'set -e',
    'umask 077',
    'config=$(mktemp)',
    "trap 'rm -f \"$config\"' EXIT",
    'printf "password: %s\\n" "$MONGO_INITDB_ROOT_PASSWORD" > "$config"',
    `${tool} --quiet --config "$config" --username "$MONGO_INITDB_ROOT_USERNAME" --authenticationDatabase admin`,
  ].join('\n');
}

/**
 * MongoDB (official image). The operator's account is the image's root user
 * (in `admin`); the dump is a `mongodump --archive` of every database, and
 * the restore replaces each collection it holds (`--drop`).
 */
export const mongodbTemplate: DatabaseTemplate = {
  engine: 'mongodb',
  label: 'MongoDB 8.0',
  image: 'mongo:8.0.3-noble',
  port: 27017,
  dataPath: '/data/db',
  user: 'mongodb',
  memoryBytes: 1024 * MIB,
  healthcheck: {
    // ping needs no login, so the check holds no secret. Through the container's address, not 127.0.0.1:
    // during initialisation the image runs a localhost-only server that is restarted afterwards.
    test: ['CMD-SHELL', `mongosh --quiet --norc --host "$HOSTNAME" --eval "quit(db.adminCommand('ping').ok === 1 ? 0 : 1)"`],
    intervalSeconds: 10,
    timeoutSeconds: 10,
    retries: 5,
    startPeriodSeconds: 60,
    startIntervalSeconds: 2,
  },
  environment: ({ username, password, databaseName }) => [
    `MONGO_INITDB_ROOT_USERNAME=${username ?? 'admin'}`,
    `MONGO_INITDB_ROOT_PASSWORD=${password}`,
    `MONGO_INITDB_DATABASE=${databaseName ?? 'admin'}`,
  ],
  identity: (name) => ({ username: sqlIdentifier(name), databaseName: sqlIdentifier(name) }),
  backup: { extension: 'archive', cmd: ['sh', '-c', `${withPasswordConfig('mongodump')} --archive`] },
  restore: { cmd: ['sh', '-c', `${withPasswordConfig('mongorestore')} --archive --drop`] },
  connectionString: ({ username, password, host, port, databaseName }) =>
    `mongodb://${encodeUserInfo(username, password)}${urlHost(host)}:${port}/${encodeURIComponent(databaseName ?? 'admin')}?authSource=admin`,
};
