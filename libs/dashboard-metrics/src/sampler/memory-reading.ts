import si from 'systeminformation';
import type { HostFigures } from '../host-sample.js';

export type MemoryFigures = Pick<HostFigures, 'memUsedBytes' | 'memTotalBytes' | 'swapUsedBytes' | 'swapTotalBytes'>;

/**
 * Memory in use is total − available (Linux MemAvailable): page cache the
 * kernel gives back on demand is not "used", or every healthy box looks full.
 */
export async function readMemory(): Promise<MemoryFigures> {
  const mem = await si.mem();
  if (!(mem.total > 0)) throw new Error('systeminformation reported no memory total');
  const available = mem.available > 0 ? mem.available : mem.free;
  return {
    memTotalBytes: mem.total,
    memUsedBytes: clamp(mem.total - available, mem.total),
    swapTotalBytes: Math.max(0, mem.swaptotal),
    swapUsedBytes: clamp(mem.swapused, Math.max(0, mem.swaptotal)),
  };
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(0, value), max);
}
