import si from 'systeminformation';
import type { HostFigures, TemperatureReading } from '../host-sample.js';

export type TemperatureFigures = Pick<HostFigures, 'cpuTempC'> & { temperatures: TemperatureReading[] };

/** What systeminformation's cpuTemperature() answers (kept structural, its typings vary between 5.x releases). */
export interface CpuTemperatureData {
  main: number | null;
  cores: number[];
  socket?: number[];
  chipset?: number | null;
}

/**
 * CPU package, cores, sockets and chipset, from the kernel's thermal zones
 * and hwmon (or lm-sensors). Virtual machines and containers usually have
 * none: then cpuTempC is null and the list empty, which is not a failure.
 */
export async function readTemperatures(): Promise<TemperatureFigures> {
  return temperaturesFrom(await si.cpuTemperature());
}

export function temperaturesFrom(data: CpuTemperatureData): TemperatureFigures {
  const temperatures: TemperatureReading[] = [];
  const add = (label: string, celsius: number | null | undefined) => {
    if (isPlausible(celsius)) temperatures.push({ label, celsius });
  };
  add('CPU', data.main);
  data.cores.forEach((celsius, index) => add(`Core ${index}`, celsius));
  (data.socket ?? []).forEach((celsius, index) => add(`Socket ${index}`, celsius));
  add('Chipset', data.chipset);
  const cores = data.cores.filter(isPlausible);
  const cpuTempC = isPlausible(data.main) ? data.main : cores.length > 0 ? Math.max(...cores) : null;
  return { cpuTempC, temperatures };
}

/** Missing sensors read as null, 0 or −273 °C depending on the driver; none of those is a real temperature. */
function isPlausible(celsius: number | null | undefined): celsius is number {
  return typeof celsius === 'number' && Number.isFinite(celsius) && celsius > 0 && celsius < 150;
}
