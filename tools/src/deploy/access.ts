/** Narrowing helpers for parsed YAML, whose shape is only known after checking. */

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function dict(value: unknown): Dict {
  return isDict(value) ? value : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Scalars as the string a container would see (YAML may have parsed `3000` or `true`). */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function entries(value: unknown): [string, unknown][] {
  return Object.entries(dict(value));
}

/** `a.b.c`-style path for messages; array indices as `[i]`. */
export function at(base: string, ...keys: (string | number)[]): string {
  return keys.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key), base);
}
