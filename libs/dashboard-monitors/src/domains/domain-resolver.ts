import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

/** A name could not be turned into addresses; `message` says why in plain words. */
export class DnsLookupError extends Error {
  constructor(
    readonly hostname: string,
    /** The resolver's code (`ENOTFOUND` for NXDOMAIN, `ENODATA`, `ETIMEOUT`, …). */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DnsLookupError';
  }
}

export interface DomainResolverOptions {
  /** `ip` or `ip:port` (`[v6]:port`) entries; empty or undefined = the system's resolv.conf servers. */
  servers?: readonly string[];
  /** Longest wait for one lookup in all. */
  timeoutMs: number;
}

/** Codes in the order of how much they tell the operator: a definite "no such name" beats a flaky server. */
const PRIORITY = ['ENOTFOUND', 'ESERVFAIL', 'EREFUSED', 'ETIMEOUT', 'ECONNREFUSED', 'ENODATA'];

function describe(name: string, code: string, servers: string): string {
  switch (code) {
    case 'ENOTFOUND':
      return `${name} does not resolve: no such domain (NXDOMAIN)`;
    case 'ENODATA':
      return `${name} does not resolve: it has no address records (A or AAAA)`;
    case 'ESERVFAIL':
      return `${name} could not be resolved: the DNS server ${servers} failed (SERVFAIL)`;
    case 'EREFUSED':
      return `${name} could not be resolved: the DNS server ${servers} refused the query`;
    case 'ETIMEOUT':
      return `${name} could not be resolved: the DNS server ${servers} did not answer in time`;
    case 'ECONNREFUSED':
      return `${name} could not be resolved: the DNS server ${servers} cannot be reached`;
    default:
      return `${name} could not be resolved (${code})`;
  }
}

const codeOf = (reason: unknown): string =>
  typeof reason === 'object' && reason !== null && typeof (reason as { code?: unknown }).code === 'string' ? (reason as { code: string }).code : 'EUNKNOWN';

/**
 * A/AAAA lookups through node's c-ares resolver, pointed at DNS_SERVERS when
 * set. Unlike `dns.lookup` it asks the DNS itself (no hosts file, no
 * system cache), which is what a domain check should observe, and every
 * check and link scan shares it so they all see the same answers.
 */
export class DomainResolver {
  private readonly resolver: dns.Resolver;
  private readonly serversLabel: string;

  constructor(options: DomainResolverOptions) {
    // two tries, so a single lost UDP packet is not reported as an outage
    this.resolver = new dns.Resolver({ timeout: Math.max(100, Math.floor(options.timeoutMs / 2)), tries: 2 });
    const servers = options.servers?.filter((s) => s.trim() !== '') ?? [];
    if (servers.length > 0) {
      try {
        this.resolver.setServers(servers.map((s) => s.trim()));
      } catch (error) {
        throw new TypeError(`Invalid DNS server list "${servers.join(',')}": ${(error as Error).message}`);
      }
    }
    this.serversLabel = this.resolver.getServers().join(', ') || 'of the system';
  }

  /** The servers queried, as the resolver holds them. */
  servers(): string[] {
    return this.resolver.getServers();
  }

  /** IPv4 then IPv6 addresses of `name`; an IP literal is its own answer. Throws {@link DnsLookupError}. */
  async resolve(name: string): Promise<string[]> {
    const bare = name.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare)) return [bare];
    const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(bare), this.resolver.resolve6(bare)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (addresses.length > 0) return addresses;
    const codes = [v4, v6].map((r) => (r.status === 'rejected' ? codeOf(r.reason) : 'ENODATA'));
    const code = [...codes].sort((a, b) => rank(a) - rank(b))[0] ?? 'EUNKNOWN';
    throw new DnsLookupError(bare, code, describe(bare, code, this.serversLabel));
  }
}

function rank(code: string): number {
  const index = PRIORITY.indexOf(code);
  return index === -1 ? PRIORITY.length : index;
}
