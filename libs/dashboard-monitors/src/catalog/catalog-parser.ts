import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import type { CatalogEntry, CatalogProblem, CheckSpec } from './catalog-entry.js';
import { containerCheckSchema, entrySchema, httpCheckSchema, splitHostPort, tcpCheckSchema } from './catalog-schema.js';
import { slugify } from './slug.js';

export interface ParsedCatalog {
  entries: CatalogEntry[];
  problems: CatalogProblem[];
  /** The text as a whole is no catalog (syntax error, wrong shape): a file watcher keeps the last good one. */
  unusable: boolean;
}

const CHECK_KINDS = ['http', 'tcp', 'container'] as const;
const ENTRY_KEYS = 'name, group, url, description, check';

type Path = readonly PropertyKey[];

/** The line (1-based) of the node at `path` below `node`, or of the nearest ancestor that exists. */
function lineAt(node: Node, path: Path, lines: LineCounter, key?: string): number | null {
  let current: unknown = node;
  for (const segment of path) {
    if (!(isMap(current) || isSeq(current))) break;
    const next: unknown = current.get(typeof segment === 'number' ? segment : String(segment), true);
    if (!isNode(next)) break;
    current = next;
  }
  if (key !== undefined && isMap(current)) {
    const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
  }
  const range = isNode(current) ? current.range : undefined;
  return range ? lines.linePos(range[0]).line : null;
}

function describeIssue(issue: z.core.$ZodIssue, prefix: Path, hint: string): { path: Path; key?: string; message: string } {
  const path = [...prefix, ...issue.path];
  const where = path.length ? `${path.map(String).join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return { path, key, message: `${where}unknown key ${keys} (${hint})` };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { path, message: `${where}is required` };
  }
  return { path, message: `${where}${issue.message}` };
}

function toCheck(kind: (typeof CHECK_KINDS)[number], value: unknown): { check: CheckSpec } | { issues: z.core.$ZodIssue[]; hint: string } {
  if (kind === 'http') {
    const parsed = httpCheckSchema.safeParse(value);
    if (!parsed.success) return { issues: parsed.error.issues, hint: 'an http check has http, expectStatus, expectText, verifyTls' };
    const status = parsed.data.expectStatus;
    return {
      check: {
        kind: 'http',
        url: parsed.data.http,
        expectStatus: status === undefined ? [] : Array.isArray(status) ? status : [status],
        expectText: parsed.data.expectText ?? null,
        verifyTls: parsed.data.verifyTls ?? true,
      },
    };
  }
  if (kind === 'tcp') {
    const parsed = tcpCheckSchema.safeParse(value);
    if (!parsed.success) return { issues: parsed.error.issues, hint: 'a tcp check has tcp only' };
    return { check: { kind: 'tcp', ...splitHostPort(parsed.data.tcp) } };
  }
  const parsed = containerCheckSchema.safeParse(value);
  if (!parsed.success) return { issues: parsed.error.issues, hint: 'a container check has container and host' };
  return { check: { kind: 'container', container: parsed.data.container.replace(/^\//, ''), host: parsed.data.host ?? null } };
}

interface EntryContext {
  index: number;
  node: Node;
  lines: LineCounter;
}

function problemAt(context: EntryContext, name: string | null, found: { path: Path; key?: string; message: string }): CatalogProblem {
  return { index: context.index, name, line: lineAt(context.node, found.path, context.lines, found.key), message: found.message };
}

function parseEntry(context: EntryContext): { entry: Omit<CatalogEntry, 'id'> } | { problem: CatalogProblem } {
  const value: unknown = context.node.toJSON();
  const rawName = typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string' ? ((value as { name: string }).name.trim() || null) : null;
  if (!isMap(context.node)) {
    return { problem: problemAt(context, rawName, { path: [], message: `each entry must be a mapping with ${ENTRY_KEYS}` }) };
  }
  const base = entrySchema.safeParse(value);
  if (!base.success) {
    const first = base.error.issues[0] as z.core.$ZodIssue;
    return { problem: problemAt(context, rawName, describeIssue(first, [], `an entry has ${ENTRY_KEYS}`)) };
  }
  const checkValue = base.data.check;
  if (typeof checkValue !== 'object' || checkValue === null || Array.isArray(checkValue)) {
    const message =
      checkValue === undefined
        ? 'check is required: one of { http: <url> }, { tcp: <host>:<port> } or { container: <name>, host: <docker host> }'
        : 'check must be a mapping: { http: <url> }, { tcp: <host>:<port> } or { container: <name>, host: <docker host> }';
    return { problem: problemAt(context, rawName, { path: checkValue === undefined ? [] : ['check'], message }) };
  }
  const kinds = CHECK_KINDS.filter((k) => Object.hasOwn(checkValue, k));
  if (kinds.length !== 1) {
    const message =
      kinds.length === 0
        ? 'check needs one of http, tcp or container, e.g. check: { tcp: gamebox.lan:47989 }'
        : `check has ${kinds.join(' and ')}; give one kind of check per entry`;
    return { problem: problemAt(context, rawName, { path: ['check'], message }) };
  }
  const check = toCheck(kinds[0] as (typeof CHECK_KINDS)[number], checkValue);
  if ('issues' in check) {
    return { problem: problemAt(context, rawName, describeIssue(check.issues[0] as z.core.$ZodIssue, ['check'], check.hint)) };
  }
  return {
    entry: {
      name: base.data.name,
      group: base.data.group ?? null,
      url: base.data.url ?? null,
      description: base.data.description ?? null,
      check: check.check,
    },
  };
}

function fileProblem(message: string, line: number | null = null): CatalogProblem {
  return { index: null, name: null, line, message };
}

/**
 * Reads a catalog: each entry is validated on its own, so a malformed entry
 * becomes a problem (with its line and a message saying what to change) and
 * the others are still monitored.
 */
export function parseCatalog(text: string): ParsedCatalog {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.slice(0, 5).map((error) => {
      const line = error.linePos?.[0].line ?? null;
      const first = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
      return fileProblem(`YAML syntax error: ${first}`, line);
    });
    return { entries: [], problems, unusable: true };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { entries: [], problems: [], unusable: false };
  if (!isMap(root)) return { entries: [], problems: [fileProblem('the catalog must be a mapping with a `services:` list', 1)], unusable: true };
  const problems: CatalogProblem[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (key !== 'services') {
      const line = isNode(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : null;
      problems.push(fileProblem(`unknown top-level key "${String(key)}" (the catalog has only \`services:\`)`, line));
    }
  }
  const services = root.get('services', true);
  if (services === undefined || (isScalar(services) && services.value === null)) return { entries: [], problems, unusable: false };
  if (!isSeq(services)) {
    const line = isNode(services) && services.range ? lines.linePos(services.range[0]).line : null;
    return { entries: [], problems: [...problems, fileProblem('`services:` must be a list of entries, each starting with "- name: …"', line)], unusable: true };
  }
  const entries: CatalogEntry[] = [];
  const lineOfId = new Map<string, number | null>();
  services.items.forEach((item, index) => {
    const node = isNode(item) ? item : undefined;
    if (!node) {
      problems.push({ index, name: null, line: null, message: `each entry must be a mapping with ${ENTRY_KEYS}` });
      return;
    }
    const context = { index, node, lines };
    const parsed = parseEntry(context);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      return;
    }
    const id = slugify(parsed.entry.name);
    const line = lineAt(node, [], lines);
    if (!id) {
      problems.push({ index, name: parsed.entry.name, line, message: 'name must contain letters or digits (the entry\'s id is made from them)' });
      return;
    }
    if (lineOfId.has(id)) {
      const other = lineOfId.get(id);
      problems.push({
        index,
        name: parsed.entry.name,
        line,
        message: `another entry${other ? ` (line ${other})` : ''} has the same id "${id}"; names must differ in their letters or digits`,
      });
      return;
    }
    lineOfId.set(id, line);
    entries.push({ id, ...parsed.entry });
  });
  return { entries, problems, unusable: false };
}
