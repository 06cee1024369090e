import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool } from '@homelab/database';
import { startTcpProxy, type TcpProxy } from '@homelab/testing';
import { AuditLog } from './audit-log.js';
import { AuditRecordError, AuditWriteError } from './errors.js';
import { recordThenRun } from './record-then-run.js';
import { createAuditTestDatabase, sampleRecord, type AuditTestDatabase } from './audit-db.test-helpers.js';

let db: AuditTestDatabase;
let proxy: TcpProxy;

beforeAll(async () => {
  db = await createAuditTestDatabase('audit_fail_closed');
  proxy = await startTcpProxy(Number(new URL(db.database.url).port || 5432));
});

afterAll(async () => {
  await proxy?.close();
  await db?.close();
});

const execution = { kind: 'execution', action: 'started', caller: 'jarvis', host: 'nas.lan', command: 'systemctl restart nginx' } as const;

describe('recordThenRun (fail closed)', () => {
  it('runs only after the record is committed', async () => {
    const pool = createPool(proxy.via(db.database.url), { max: 2 });
    try {
      const audit = new AuditLog({ pool });
      const result = await recordThenRun(audit, execution, async (recorded) => {
        // the record is visible from another connection: committed before run
        const { rows } = await db.pool.query('SELECT command FROM audit_record WHERE seq = $1', [recorded.seq]);
        expect(rows).toEqual([{ command: execution.command }]);
        return 'ran';
      });
      expect(result).toBe('ran');
    } finally {
      await pool.end();
    }
  });

  it('never runs when the database is unreachable', async () => {
    const pool = createPool(proxy.via(db.database.url), { max: 2, connectionTimeoutMs: 1_000 });
    try {
      const audit = new AuditLog({ pool, appendTimeoutMs: 2_000 });
      await audit.append(sampleRecord(1)); // a pooled connection exists when the outage starts
      const before = (await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_record')).rows[0]?.n;
      await proxy.cut();
      const run = vi.fn(async () => 'ran');
      for (let attempt = 0; attempt < 3; attempt++) {
        const error = await recordThenRun(audit, execution, run).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(AuditWriteError);
        expect((error as Error).message).toMatch(/nothing may run/);
      }
      expect(run).not.toHaveBeenCalled();
      expect((await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_record')).rows[0]?.n).toBe(before);

      await proxy.restore();
      await expect(recordThenRun(audit, execution, run)).resolves.toBe('ran');
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      await proxy.restore();
      await pool.end();
    }
  });

  it('never runs when the database does not answer in time', async () => {
    // accepts connections and never says a word: a hung database
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const pool = createPool(`postgresql://postgres@127.0.0.1:${port}/audit`, { max: 1, connectionTimeoutMs: 30_000 });
    try {
      const audit = new AuditLog({ pool, appendTimeoutMs: 300 });
      const run = vi.fn();
      const started = Date.now();
      await expect(recordThenRun(audit, execution, run)).rejects.toThrow(/timed out; nothing may run/);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(run).not.toHaveBeenCalled();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      await pool.end().catch(() => undefined);
    }
  });

  it('never runs when the database refuses the record', async () => {
    await db.pool.query(`ALTER TABLE audit_record ADD CONSTRAINT no_reboots CHECK (command IS DISTINCT FROM 'reboot') NOT VALID`);
    try {
      const run = vi.fn();
      await expect(recordThenRun(new AuditLog({ pool: db.pool }), { ...execution, command: 'reboot' }, run)).rejects.toThrow(AuditWriteError);
      expect(run).not.toHaveBeenCalled();
    } finally {
      await db.pool.query('ALTER TABLE audit_record DROP CONSTRAINT no_reboots');
    }
  });

  it('a record the database refuses fails alone, not the batch it was committed with', async () => {
    await db.pool.query(`ALTER TABLE audit_record ADD CONSTRAINT no_reboots CHECK (command IS DISTINCT FROM 'reboot') NOT VALID`);
    try {
      const audit = new AuditLog({ pool: db.pool });
      const run = vi.fn(async (recorded: { seq: number }) => recorded.seq);
      const commands = Array.from({ length: 20 }, (_, i) => (i === 7 ? 'reboot' : `uptime #${i}`));
      const results = await Promise.allSettled(commands.map((command) => recordThenRun(audit, { ...execution, command }, run)));
      expect(results.map((result) => result.status)).toEqual(commands.map((command) => (command === 'reboot' ? 'rejected' : 'fulfilled')));
      expect(run).toHaveBeenCalledTimes(19);
      const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_record WHERE command LIKE 'uptime #%'`);
      expect(rows[0]?.n).toBe('19');
    } finally {
      await db.pool.query('ALTER TABLE audit_record DROP CONSTRAINT no_reboots');
    }
  });

  it('never runs an unrecordable record', async () => {
    const run = vi.fn();
    await expect(recordThenRun(new AuditLog({ pool: db.pool }), { ...execution, command: 'rm\u0000' }, run)).rejects.toThrow(AuditRecordError);
    expect(run).not.toHaveBeenCalled();
  });
});
