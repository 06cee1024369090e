import si from 'systeminformation';
import type { HostFigures, InterfaceRate } from '../host-sample.js';
import { InterfaceClassifier } from './interface-classifier.js';
import { round } from './round.js';

export type NetworkFigures = Pick<HostFigures, 'netRxBytesPerS' | 'netTxBytesPerS'> & { interfaces: InterfaceRate[] };

/**
 * Receive and send rates of the machine's physical interfaces. The rates
 * are systeminformation's, per second since its previous call: the very
 * first call only sets the baseline, so it answers null totals.
 */
export class NetworkReader {
  constructor(private readonly classifier: InterfaceClassifier = new InterfaceClassifier()) {}

  async read(): Promise<NetworkFigures> {
    const stats = await si.networkStats('*');
    if (stats.length === 0) throw new Error('systeminformation listed no network interfaces');
    const counted = await this.classifier.countedAmong(stats.map((s) => s.iface));
    const interfaces: InterfaceRate[] = [];
    for (const s of stats) {
      // typed as number, but null until a second call gives a rate
      const rx = s.rx_sec as number | null;
      const tx = s.tx_sec as number | null;
      if (!counted.has(s.iface) || !isRate(rx) || !isRate(tx)) continue;
      interfaces.push({ name: s.iface, rxBytesPerS: round(rx, 1), txBytesPerS: round(tx, 1) });
    }
    interfaces.sort((a, b) => a.name.localeCompare(b.name));
    if (interfaces.length === 0) return { netRxBytesPerS: null, netTxBytesPerS: null, interfaces };
    return {
      netRxBytesPerS: round(sum(interfaces.map((i) => i.rxBytesPerS)), 1),
      netTxBytesPerS: round(sum(interfaces.map((i) => i.txBytesPerS)), 1),
      interfaces,
    };
  }
}

function isRate(value: number | null): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
