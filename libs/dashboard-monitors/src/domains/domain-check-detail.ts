import { z } from 'zod';
import type { DnsCheck, HttpCheck, TlsCheck } from './domain.types.js';

/**
 * The `detail` column of a domain's monitor_result row. Read back through a
 * schema so a row written by an older version (or edited by hand) shows as
 * "no detail" instead of breaking the whole list.
 */
const dnsCheck = z.object({ ok: z.boolean(), addresses: z.array(z.string()), error: z.string().nullable() });
const httpCheck = z.object({ ok: z.boolean(), status: z.number().nullable(), responseMs: z.number().nullable(), error: z.string().nullable() });
const tlsCheck = z.object({
  ok: z.boolean(),
  authorized: z.boolean(),
  issuer: z.string().nullable(),
  subject: z.string().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  daysLeft: z.number().nullable(),
  error: z.string().nullable(),
});

const detailSchema = z.object({ dns: dnsCheck.nullable(), http: httpCheck.nullable(), tls: tlsCheck.nullable() });

export interface DomainCheckDetail {
  dns: DnsCheck | null;
  http: HttpCheck | null;
  tls: TlsCheck | null;
}

const EMPTY: DomainCheckDetail = { dns: null, http: null, tls: null };

export function readCheckDetail(value: unknown): DomainCheckDetail {
  const parsed = detailSchema.safeParse(value);
  return parsed.success ? parsed.data : EMPTY;
}
