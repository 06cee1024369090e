/**
 * A host name as users paste it, reduced to what the API wants:
 * "https://Shop.Example.com:8443/path?q" → `{ name: 'shop.example.com', port: 8443 }`.
 * The server still validates the name; this only spares an avoidable error.
 */
export function parseDomainInput(input: string): { name: string; port: number | null } {
  const host = input
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '');
  const withPort = /^(.*):(\d{1,5})$/.exec(host);
  const port = withPort ? Number(withPort[2]) : null;
  const name = (withPort?.[1] ?? host).replace(/\.$/, '').toLowerCase();
  return { name, port: port !== null && port >= 1 && port <= 65_535 ? port : null };
}
