export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** host:port of a URL, for messages that must never show credentials. */
export function describeEndpoint(url: string): string {
  try {
    const { host, pathname, protocol } = new URL(url);
    return host ? `${protocol}//${host}` : `${protocol}${pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
