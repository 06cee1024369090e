import { describe, expect, it } from 'vitest';
import { temperaturesFrom } from './temperature-reading.js';

describe('temperaturesFrom (systeminformation cpuTemperature answers)', () => {
  it('lists CPU, cores, sockets and chipset and takes the CPU package as cpuTempC', () => {
    expect(temperaturesFrom({ main: 48.5, cores: [47, 51], socket: [45], chipset: 52 })).toEqual({
      cpuTempC: 48.5,
      temperatures: [
        { label: 'CPU', celsius: 48.5 },
        { label: 'Core 0', celsius: 47 },
        { label: 'Core 1', celsius: 51 },
        { label: 'Socket 0', celsius: 45 },
        { label: 'Chipset', celsius: 52 },
      ],
    });
  });

  it('falls back to the hottest core when there is no package sensor', () => {
    expect(temperaturesFrom({ main: null, cores: [60, 71, 65] }).cpuTempC).toBe(71);
  });

  it('is null and empty in a VM without sensors, and ignores placeholder readings', () => {
    expect(temperaturesFrom({ main: null, cores: [], socket: [], chipset: null })).toEqual({ cpuTempC: null, temperatures: [] });
    expect(temperaturesFrom({ main: 0, cores: [-273, Number.NaN], chipset: 200 })).toEqual({ cpuTempC: null, temperatures: [] });
  });
});
