import { z } from 'zod';
import type { DnsCheck, DomainHealth, HttpCheck, TlsCheck } from '@homelab/dashboard-api';
import type { JarvisTool } from '../tools/jarvis-tool.js';

export interface DomainCheckResult {
  checkedAt: string;
  status: DomainHealth;
  dns: DnsCheck;
  http: HttpCheck | null;
  tls: TlsCheck | null;
}

/** What the tool needs of the domains feature: its checker (DNS, TLS certificate, HTTPS answer). */
export interface DomainCheckSource {
  /** Throws a DomainError when `name` is not a host name. */
  check(target: { name: string; port: number; path: string }): Promise<DomainCheckResult>;
}

const parameters = z
  .object({
    hostname: z.string().trim().min(1).max(253).describe('A host name such as "cloud.example.org" (no scheme, no path).'),
    port: z.number().int().min(1).max(65535).default(443).describe('HTTPS port.'),
    path: z.string().startsWith('/').max(2000).default('/').describe('Path to request over HTTPS.'),
  })
  .strict();

/** `check_domain`: DNS, TLS certificate (issuer, days left) and HTTPS status of a host name, now. */
export function createDomainCheckTool(source: DomainCheckSource): JarvisTool<typeof parameters> {
  return {
    name: 'check_domain',
    description: 'Check a host name now: DNS addresses, its TLS certificate (valid? issuer, days until expiry) and the HTTPS status of a path.',
    parameters,
    readOnly: true,
    async run(args) {
      const result = await source.check({ name: args.hostname, port: args.port, path: args.path });
      const tls = result.tls?.daysLeft === null || result.tls === null ? '' : `, certificate expires in ${result.tls.daysLeft} days`;
      const http = result.http?.status ? `, HTTP ${result.http.status}` : '';
      return { ok: true, summary: `${args.hostname}: ${result.status}${http}${tls}`, content: { hostname: args.hostname, port: args.port, path: args.path, ...result } };
    },
  };
}
