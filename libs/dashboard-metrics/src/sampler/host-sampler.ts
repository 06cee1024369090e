import si from 'systeminformation';
import type { Logger } from '@homelab/tracing';
import type { HostSample } from '../host-sample.js';
import { readCpuPercent, readLoadAverages } from './cpu-reading.js';
import { readDisks } from './disk-reading.js';
import { GuardedReading } from './guarded-reading.js';
import { readMemory } from './memory-reading.js';
import { NetworkReader } from './network-reading.js';
import { readTemperatures } from './temperature-reading.js';

export interface HostSamplerOptions {
  /** The name samples are recorded under (the machine's hostname). */
  host: string;
  logger: Logger;
  /** Longest one part of a sample may take before it is left empty for this sample. */
  readingTimeoutMs: number;
  now?: () => Date;
}

/** Something that takes samples; the collector does not care how. */
export interface SampleSource {
  sample(): Promise<HostSample>;
}

/**
 * Reads this machine through systeminformation. The parts are read in
 * parallel, each guarded: one failing (no sensors, a hung df) leaves its
 * fields null and the others intact, so `sample()` never rejects.
 */
export class HostSampler implements SampleSource {
  private readonly cpu: GuardedReading<number>;
  private readonly load: GuardedReading<ReturnType<typeof readLoadAverages>>;
  private readonly memory: GuardedReading<Awaited<ReturnType<typeof readMemory>>>;
  private readonly disks: GuardedReading<Awaited<ReturnType<typeof readDisks>>>;
  private readonly network: GuardedReading<Awaited<ReturnType<NetworkReader['read']>>>;
  private readonly temperatures: GuardedReading<Awaited<ReturnType<typeof readTemperatures>>>;
  private readonly now: () => Date;
  private lastDuration: number | undefined;

  constructor(private readonly options: HostSamplerOptions) {
    const guard = { timeoutMs: options.readingTimeoutMs, logger: options.logger };
    const networkReader = new NetworkReader();
    this.cpu = new GuardedReading('cpu', readCpuPercent, guard);
    this.load = new GuardedReading('load', async () => readLoadAverages(), guard);
    this.memory = new GuardedReading('memory', readMemory, guard);
    this.disks = new GuardedReading('disks', readDisks, guard);
    this.network = new GuardedReading('network', () => networkReader.read(), guard);
    this.temperatures = new GuardedReading('temperatures', readTemperatures, guard);
    this.now = options.now ?? (() => new Date());
  }

  get host(): string {
    return this.options.host;
  }

  /** How long the last `sample()` took, in ms. */
  get lastDurationMs(): number | undefined {
    return this.lastDuration;
  }

  /**
   * Sets the baselines of the rate readings (CPU busy time, network bytes),
   * so the first real sample already has rates. Never rejects.
   */
  async prime(): Promise<void> {
    await Promise.allSettled([si.currentLoad(), si.networkStats('*')]);
  }

  async sample(): Promise<HostSample> {
    const at = this.now();
    const started = performance.now();
    const [cpuPercent, load, memory, disks, network, temperatures] = await Promise.all([
      this.cpu.value(),
      this.load.value(),
      this.memory.value(),
      this.disks.value(),
      this.network.value(),
      this.temperatures.value(),
    ]);
    this.lastDuration = performance.now() - started;
    return {
      host: this.options.host,
      at: at.toISOString(),
      cpuPercent,
      load1: load?.load1 ?? null,
      load5: load?.load5 ?? null,
      load15: load?.load15 ?? null,
      memUsedBytes: memory?.memUsedBytes ?? null,
      memTotalBytes: memory?.memTotalBytes ?? null,
      swapUsedBytes: memory?.swapUsedBytes ?? null,
      swapTotalBytes: memory?.swapTotalBytes ?? null,
      diskUsedBytes: disks?.diskUsedBytes ?? null,
      diskTotalBytes: disks?.diskTotalBytes ?? null,
      netRxBytesPerS: network?.netRxBytesPerS ?? null,
      netTxBytesPerS: network?.netTxBytesPerS ?? null,
      cpuTempC: temperatures?.cpuTempC ?? null,
      disks: disks?.disks ?? [],
      interfaces: network?.interfaces ?? [],
      temperatures: temperatures?.temperatures ?? [],
    };
  }
}
