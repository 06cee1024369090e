import type { z } from 'zod';
import { configSchemas, metaOf } from '@homelab/config';
import { serviceNames, type ServiceName } from '@homelab/contracts';

/**
 * The configuration table of README.md, generated from the services' config
 * schemas so it cannot drift from what the services actually read
 * (`npm run readme` rewrites it; a test fails when it is out of date).
 */

const SERVICE_PLACEHOLDER = '<service>';
const DEFAULT_PLACEHOLDER = '\u0000default\u0000';

/** What one service's schema says about one variable. */
interface Facet {
  defaultValue: string;
  description: string;
  sensitive: boolean;
}

/** `homelab/dashboard` → `homelab/<service>`, also for the underscore spelling (`stream_bot`). */
function generic(text: string, service: ServiceName): string {
  return text.replaceAll(service, SERVICE_PLACEHOLDER).replaceAll(service.replace(/-/g, '_'), SERVICE_PLACEHOLDER);
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The default as the schema itself produces it: parse "unset" and see what comes out. */
function defaultOf(field: z.ZodType): string {
  const parsed = field.safeParse(undefined);
  if (!parsed.success) return 'required';
  if (parsed.data === undefined) return '—';
  const value = formatValue(parsed.data);
  return value === '' ? '(empty)' : `\`${value}\``;
}

function facetOf(field: z.ZodType): Facet {
  const meta = metaOf(field);
  const example = meta?.example ? ` Example: \`${meta.example}\`.` : '';
  return { defaultValue: defaultOf(field), description: `${meta?.description ?? ''}${example}`, sensitive: meta?.sensitive === true };
}

interface Row {
  name: string;
  facets: Map<ServiceName, Facet>;
}

function rows(): Row[] {
  const byName = new Map<string, Row>();
  for (const service of serviceNames) {
    for (const [name, field] of Object.entries(configSchemas[service].shape)) {
      const row = byName.get(name) ?? { name, facets: new Map() };
      row.facets.set(service, facetOf(field as z.ZodType));
      byName.set(name, row);
    }
  }
  return [...byName.values()];
}

/** One text for all services: as is, or with each service's name as `<service>`; undefined when they differ. */
function unify(texts: Map<ServiceName, string>): string | undefined {
  for (const variant of [(t: string) => t, generic]) {
    const distinct = new Set([...texts].map(([service, text]) => variant(text, service)));
    if (distinct.size === 1) return [...distinct][0];
  }
  return undefined;
}

function facetTexts(row: Row, pick: (facet: Facet) => string): Map<ServiceName, string> {
  return new Map([...row.facets].map(([service, facet]) => [service, pick(facet)]));
}

/** One default, or each service's when they differ (HTTP_PORT). */
function defaultCell(row: Row): string {
  return unify(facetTexts(row, (f) => f.defaultValue)) ?? [...row.facets].map(([service, f]) => `${service}: ${f.defaultValue}`).join('<br>');
}

/** One description; a service's own default inside it becomes "per service" when that is all that differs. */
function descriptionCell(row: Row): string {
  const same = unify(facetTexts(row, (f) => f.description));
  if (same !== undefined) return same;
  const withoutDefaults = unify(facetTexts(row, (f) => f.description.replaceAll(f.defaultValue.replace(/`/g, ''), DEFAULT_PLACEHOLDER)));
  if (withoutDefaults !== undefined) return withoutDefaults.replaceAll(DEFAULT_PLACEHOLDER, 'per service');
  return [...new Set(facetTexts(row, (f) => f.description).values())].join('<br>');
}

function servicesCell(row: Row): string {
  return row.facets.size === serviceNames.length ? 'all' : serviceNames.filter((s) => row.facets.has(s)).join(', ');
}

/** Table cells: `|` always escaped (GFM), `<`/`>` outside code spans so `<service>` is not read as HTML. */
function cell(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/<(?!br>)/g, '&lt;').replace(/(?<!<br)>/g, '&gt;')))
    .join('')
    .replace(/\|/g, '\\|');
}

export function renderConfigTable(): string {
  const header = [
    'Every variable the services read, generated from their configuration schemas (`libs/config`) by',
    '`npm run readme`. 🔒 marks sensitive variables: they may also be given as `<NAME>_FILE` (the',
    'path of a file holding the value) or come from Vault, and are never logged.',
    '',
    '| Variable | Services | Default | Description |',
    '| --- | --- | --- | --- |',
  ];
  const body = rows().map((row) => {
    const lock = [...row.facets.values()].some((f) => f.sensitive) ? ' 🔒' : '';
    return `| \`${row.name}\`${lock} | ${cell(servicesCell(row))} | ${cell(defaultCell(row))} | ${cell(descriptionCell(row))} |`;
  });
  return [...header, ...body].join('\n');
}
