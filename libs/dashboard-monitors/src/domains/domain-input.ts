import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { DomainInvalidError } from './domain-errors.js';
import type { ExpiryThresholds } from './domain.types.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** Characters that mean the user typed a URL rather than a host name (and that IDNA would otherwise swallow, like `%41`). */
const URL_PARTS = /[\s/:%@?#\\[\]]/;
const HOSTNAME_HINT = 'must be a host name such as example.com (no scheme, port or path)';

/**
 * The ASCII (punycode) form of a host name typed by a user — `Bücher.Example.` →
 * `xn--bcher-kva.example` — or an explanation of what is wrong with it. One
 * canonical form keeps the uniqueness check honest for international names.
 */
export function normalizeHostname(input: string): { name: string } | { error: string } {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '') return { error: 'must not be empty' };
  if (URL_PARTS.test(trimmed)) return { error: HOSTNAME_HINT };
  const ascii = domainToASCII(trimmed);
  if (ascii === '') return { error: 'is not a valid host name (IDNA conversion failed)' };
  if (ascii.length > 253) return { error: 'is longer than 253 characters' };
  const labels = ascii.split('.');
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return { error: `has an invalid label "${bad}": labels are 1–63 letters, digits or hyphens, not starting or ending with a hyphen` };
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return { error: 'must be a domain name, not an IP address' };
  return { name: ascii };
}

const days = (field: string) =>
  z.int({ error: `${field} must be a whole number of days` }).min(1, { error: `${field} must be at least 1` }).max(365, { error: `${field} must be at most 365` });

const fields = {
  name: z.string({ error: 'name must be a string' }).max(300, { error: 'name is too long' }),
  port: z.int({ error: 'port must be a whole number' }).min(1, { error: 'port must be from 1 to 65535' }).max(65535, { error: 'port must be from 1 to 65535' }),
  path: z
    .string({ error: 'path must be a string' })
    .max(2048, { error: 'path is longer than 2048 characters' })
    .regex(/^\/[^\s#]*$/, { error: 'path must start with / and hold no spaces or #' }),
  warnDays: days('warnDays').nullable(),
  criticalDays: days('criticalDays').nullable(),
  linkScan: z.boolean({ error: 'linkScan must be true or false' }),
};

/** `POST /api/domains` (`NewDomainBody` of @homelab/dashboard-api). */
export const newDomainSchema = z.strictObject({
  name: fields.name,
  port: fields.port.optional(),
  path: fields.path.optional(),
  warnDays: fields.warnDays.optional(),
  criticalDays: fields.criticalDays.optional(),
  linkScan: fields.linkScan.optional(),
});
/** `PATCH /api/domains/:id` (`DomainPatchBody`). */
export const domainPatchSchema = z.strictObject({
  name: fields.name.optional(),
  port: fields.port.optional(),
  path: fields.path.optional(),
  warnDays: fields.warnDays.optional(),
  criticalDays: fields.criticalDays.optional(),
  linkScan: fields.linkScan.optional(),
});

export interface NewDomain {
  name: string;
  port: number;
  path: string;
  warnDays: number | null;
  criticalDays: number | null;
  linkScan: boolean;
}

export type DomainPatch = Partial<NewDomain>;

function fieldOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return issue.keys[0] ?? 'body';
  const first = issue.path[0];
  return first === undefined ? 'body' : String(first);
}

function invalid(error: z.ZodError): DomainInvalidError {
  const issue = error.issues[0];
  if (!issue) return new DomainInvalidError('body', 'The request body is invalid');
  const field = fieldOf(issue);
  const message = issue.code === 'unrecognized_keys' ? `${field} is not a field of a domain` : issue.message;
  const problems = error.issues.map((i) => ({ field: fieldOf(i), message: i.message }));
  return new DomainInvalidError(field, message, { problems });
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainInvalidError('body', 'The request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (!result.success) throw invalid(result.error);
  return result.data;
}

function hostname(input: string): string {
  const result = normalizeHostname(input);
  if ('error' in result) throw new DomainInvalidError('name', `name ${result.error}`);
  return result.name;
}

/** Validates `POST /api/domains`; throws DomainInvalidError naming the first wrong field. */
export function parseNewDomain(body: unknown): NewDomain {
  const input = parseBody(newDomainSchema, body);
  return {
    name: hostname(input.name),
    port: input.port ?? 443,
    path: input.path ?? '/',
    warnDays: input.warnDays ?? null,
    criticalDays: input.criticalDays ?? null,
    linkScan: input.linkScan ?? false,
  };
}

/** Validates `PATCH /api/domains/:id`; `null` thresholds go back to the defaults. */
export function parseDomainPatch(body: unknown): DomainPatch {
  const input = parseBody(domainPatchSchema, body);
  const patch: DomainPatch = {};
  if (input.name !== undefined) patch.name = hostname(input.name);
  if (input.port !== undefined) patch.port = input.port;
  if (input.path !== undefined) patch.path = input.path;
  if (input.warnDays !== undefined) patch.warnDays = input.warnDays;
  if (input.criticalDays !== undefined) patch.criticalDays = input.criticalDays;
  if (input.linkScan !== undefined) patch.linkScan = input.linkScan;
  return patch;
}

/** The thresholds that apply to a domain: its own, else the configured defaults. */
export function effectiveThresholds(domain: { warnDays: number | null; criticalDays: number | null }, defaults: ExpiryThresholds): ExpiryThresholds {
  return { warnDays: domain.warnDays ?? defaults.warnDays, criticalDays: domain.criticalDays ?? defaults.criticalDays };
}

/** A critical threshold above the warning one would skip the warning; refuse it, naming the field the user set. */
export function assertThresholdsOrdered(domain: { warnDays: number | null; criticalDays: number | null }, defaults: ExpiryThresholds): void {
  const { warnDays, criticalDays } = effectiveThresholds(domain, defaults);
  if (criticalDays <= warnDays) return;
  const field = domain.criticalDays !== null ? 'criticalDays' : 'warnDays';
  throw new DomainInvalidError(field, `criticalDays (${criticalDays}) must not be more than warnDays (${warnDays})`, { warnDays, criticalDays });
}
