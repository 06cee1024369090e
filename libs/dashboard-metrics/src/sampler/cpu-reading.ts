import { loadavg } from 'node:os';
import si from 'systeminformation';
import type { HostFigures } from '../host-sample.js';
import { round } from './round.js';

/** Busy share of all cores since the previous call (systeminformation keeps the previous counters). */
export async function readCpuPercent(): Promise<number> {
  const { currentLoad } = await si.currentLoad();
  if (!Number.isFinite(currentLoad) || currentLoad < 0) throw new Error(`systeminformation gave no CPU load (${String(currentLoad)})`);
  return round(Math.min(currentLoad, 100), 2);
}

/** The kernel's 1, 5 and 15 minute load averages (all 0 on Windows, which has none). */
export function readLoadAverages(): Pick<HostFigures, 'load1' | 'load5' | 'load15'> {
  const [load1 = Number.NaN, load5 = Number.NaN, load15 = Number.NaN] = loadavg();
  if (![load1, load5, load15].every(Number.isFinite)) throw new Error('the operating system gave no load averages');
  return { load1: round(load1, 2), load5: round(load5, 2), load15: round(load15, 2) };
}
