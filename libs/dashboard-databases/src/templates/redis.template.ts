import { encodeUserInfo, MIB, urlHost, type DatabaseTemplate } from './database-template.js';

/**
 * Redis (official image). The image has no password variable, and
 * `--requirepass` on the command line would show the password in every
 * `ps` on the host; so the server reads its settings from stdin (a here-doc
 * filled from REDIS_PASSWORD), and redis-cli from REDISCLI_AUTH.
 *
 * Backup: `redis-cli --rdb -` asks the server for an RDB snapshot over the
 * replication protocol and writes it to stdout — a consistent point-in-time
 * copy, taken without touching the container's disk.
 *
 * Restore: an RDB cannot be loaded into a running server by a client
 * command, so the restore script (1) writes the dump next to the data,
 * (2) checks it with redis-check-rdb, (3) moves it over the server's
 * `dbfilename`, (4) `DEBUG RELOAD NOSAVE` makes the server replace its
 * dataset with it (allowed for local clients only: `enable-debug-command
 * local`), and (5) BGREWRITEAOF rewrites the append-only file from the
 * restored data (and waits until it is on disk), or the next start would
 * replay the old one. Without the
 * dashboard, the same by hand: stop the container, copy the file to
 * `<volume>/dump.rdb`, delete `<volume>/appendonlydir`, start it.
 *
 * The commands read REDIS_PORT (not set in the container, so 6379): the same
 * commands then reach a server listening elsewhere, as in the tests.
 */
export const redisTemplate: DatabaseTemplate = {
  engine: 'redis',
  label: 'Redis 7.4',
  image: 'redis:7.4.1-bookworm',
  port: 6379,
  dataPath: '/data',
  user: 'redis',
  memoryBytes: 256 * MIB,
  healthcheck: {
    test: ['CMD-SHELL', 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p "${REDIS_PORT:-6379}" ping | grep -q PONG'],
    intervalSeconds: 10,
    timeoutSeconds: 5,
    retries: 5,
    startPeriodSeconds: 30,
    startIntervalSeconds: 1,
  },
  cmd: [
    'sh',
    '-c',
    [
      // exec: the server replaces the shell and gets Docker's stop signal itself
      'exec redis-server - <<EOF',
      'requirepass $REDIS_PASSWORD',
      'dir /data',
      'dbfilename dump.rdb',
      'appendonly yes',
      'appendfsync everysec',
      // the container's memory limit minus headroom: writes fail cleanly instead of the kernel killing the server
      'maxmemory 200mb',
      'maxmemory-policy noeviction',
      'enable-debug-command local',
      // backups are replication snapshots; with no replicas to wait for, start them at once (default: 5 s)
      'repl-diskless-sync-delay 0',
      'EOF',
    ].join('\n'),
  ],
  environment: ({ password }) => [`REDIS_PASSWORD=${password}`],
  identity: () => ({ username: 'default', databaseName: '0' }),
  backup: {
    extension: 'rdb',
    cmd: ['sh', '-c', 'REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli -p "${REDIS_PORT:-6379}" --rdb -'],
  },
  restore: {
    cmd: [
      'sh',
      '-c',
      [
        'set -e',
        'export REDISCLI_AUTH="$REDIS_PASSWORD"',
        'cli() { redis-cli -p "${REDIS_PORT:-6379}" --raw "$@"; }',
        'dir=$(cli CONFIG GET dir | tail -n 1)',
        'file=$(cli CONFIG GET dbfilename | tail -n 1)',
        'cat > "$dir/restore.rdb.partial"',
        'redis-check-rdb "$dir/restore.rdb.partial" > /dev/null || { rm -f "$dir/restore.rdb.partial"; echo "the backup is not a valid RDB file" >&2; exit 1; }',
        'mv "$dir/restore.rdb.partial" "$dir/$file"',
        'test "$(cli DEBUG RELOAD NOSAVE)" = OK',
        'if [ "$(cli CONFIG GET appendonly | tail -n 1)" = yes ]; then',
        '  cli BGREWRITEAOF > /dev/null',
        // a running snapshot (the safety backup's) only queues the rewrite: done means on disk
        '  i=0',
        "  while cli INFO persistence | grep -Eq '^aof_rewrite_(in_progress|scheduled):1'; do",
        '    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "the append-only file was not rewritten within 10 minutes" >&2; exit 1; }',
        '    sleep 1',
        '  done',
        `  cli INFO persistence | grep -q '^aof_last_bgrewrite_status:ok' || { echo "rewriting the append-only file failed" >&2; exit 1; }`,
        'fi',
      ].join('\n'),
    ],
  },
  connectionString: ({ password, host, port }) => `redis://${encodeUserInfo('default', password)}${urlHost(host)}:${port}/0`,
};
