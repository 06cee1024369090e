/** Rounds for the wire: sensor noise below these digits is not information. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
