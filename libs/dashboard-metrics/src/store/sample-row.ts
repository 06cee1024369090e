import { z } from 'zod';
import type { DiskUsage, HostFigures, HostHistoryPoint, HostPeak, HostSample, InterfaceRate, TemperatureReading } from '../host-sample.js';
import { METRIC_COLUMNS, PEAK_COLUMNS } from './metric-columns.js';

/** A host_metric_sample row as pg returns it (BIGINT as string, JSONB parsed). */
export type SampleRow = {
  host: string;
  at: Date;
  sample_count: number;
  details: unknown;
} & Record<string, unknown>;

/** The JSON handed to jsonb_to_recordset for an insert: column names, BIGINTs as whole numbers. */
export function toInsertRecord(sample: HostSample): Record<string, unknown> {
  const record: Record<string, unknown> = { host: sample.host, at: sample.at };
  for (const c of METRIC_COLUMNS) {
    const value = sample[c.field];
    record[c.column] = value === null || !Number.isFinite(value) ? null : c.bigint ? Math.round(value) : value;
  }
  record['details'] = { disks: sample.disks, interfaces: sample.interfaces, temperatures: sample.temperatures };
  return record;
}

/** The record definition for jsonb_to_recordset matching toInsertRecord. */
export const INSERT_RECORD_TYPE = [
  'host text',
  'at timestamptz',
  ...METRIC_COLUMNS.map((c) => `${c.column} ${c.bigint ? 'bigint' : 'float8'}`),
  'details jsonb',
].join(', ');

export function fromRow(row: SampleRow): HostSample {
  const figures = {} as Record<keyof HostFigures, number | null>;
  for (const c of METRIC_COLUMNS) figures[c.field] = toNumber(row[c.column]);
  const details = readDetails(row.details);
  return { host: row.host, at: row.at.toISOString(), ...figures, ...details };
}

/** A history point: raw rows (one sample) have no peaks of their own. */
export function pointFromRow(row: SampleRow): HostHistoryPoint {
  const sample = fromRow(row);
  if (row.sample_count <= 1) return { ...sample, peak: null };
  const peak = {} as Record<keyof HostPeak, number | null>;
  for (const p of PEAK_COLUMNS) peak[p.field] = toNumber(row[p.column]);
  return { ...sample, peak };
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

const diskSchema = z.object({ mount: z.string(), fs: z.string().catch(''), usedBytes: z.number(), totalBytes: z.number() });
const interfaceSchema = z.object({ name: z.string(), rxBytesPerS: z.number(), txBytesPerS: z.number() });
const temperatureSchema = z.object({ label: z.string(), celsius: z.number() });

/** The per-disk, interface and sensor lists; a malformed entry is skipped, never fatal. */
function readDetails(details: unknown): { disks: DiskUsage[]; interfaces: InterfaceRate[]; temperatures: TemperatureReading[] } {
  const source = typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {};
  return {
    disks: validEntries(source['disks'], diskSchema),
    interfaces: validEntries(source['interfaces'], interfaceSchema),
    temperatures: validEntries(source['temperatures'], temperatureSchema),
  };
}

function validEntries<T>(list: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const parsed = schema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}
