import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations } from '@homelab/database';
import { createPooledTestDatabase, type TestDatabase } from '@homelab/testing';
import type { HostSample } from '../host-sample.js';

const migrationsDir = fileURLToPath(new URL('../../../../apps/dashboard/prisma/migrations', import.meta.url));

/** A fresh database with the dashboard's migrations applied, and a pool on it. */
export async function metricsDatabase(label: string): Promise<{ database: TestDatabase; pool: pg.Pool; close(): Promise<void> }> {
  const { db, pool, close } = await createPooledTestDatabase(label, { prepare: (url) => applyMigrations({ connectionString: url, migrationsDir }) });
  return { database: db, pool, close };
}

/** A complete synthetic sample; `overrides` set what a test looks at. */
export function sampleAt(host: string, at: Date, overrides: Partial<HostSample> = {}): HostSample {
  return {
    host,
    at: at.toISOString(),
    cpuPercent: 10,
    load1: 0.5,
    load5: 0.4,
    load15: 0.3,
    memUsedBytes: 4_000_000_000,
    memTotalBytes: 16_000_000_000,
    swapUsedBytes: 0,
    swapTotalBytes: 2_000_000_000,
    diskUsedBytes: 100_000_000_000,
    diskTotalBytes: 500_000_000_000,
    netRxBytesPerS: 1000,
    netTxBytesPerS: 500,
    cpuTempC: 45,
    disks: [{ mount: '/', fs: '/dev/sda1', usedBytes: 100_000_000_000, totalBytes: 500_000_000_000 }],
    interfaces: [{ name: 'eth0', rxBytesPerS: 1000, txBytesPerS: 500 }],
    temperatures: [{ label: 'CPU', celsius: 45 }],
    ...overrides,
  };
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
