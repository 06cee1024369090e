/**
 * Where to go after signing in: only a path inside this app, so `?next=`
 * cannot send anyone to another site (`//evil.example`, `/\evil.example`,
 * `https://…`) or smuggle control characters into the address.
 */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return [...next].some((char) => char.charCodeAt(0) < 32) ? '/' : next;
}
