import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { compilePolicy, type Policy } from './compile.js';
import { policySchema } from './schema.js';

/** A policy file that cannot be used; `message` is one line naming the file, the rule and the field. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    readonly source: string,
    /** Every problem found, one line each (the message shows the first). */
    readonly problems: readonly string[],
  ) {
    super(
      problems.length > 1
        ? `${source}: ${problems[0]} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
        : `${source}: ${problems[0] ?? 'invalid policy'}`,
    );
  }
}

/**
 * Parses and validates a policy, and compiles it (globs, regular expressions,
 * rule index) once. Throws {@link PolicyError}.
 */
export function parsePolicy(yamlText: string, sourceName = 'policy.yaml'): Policy {
  const document = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new PolicyError(
      sourceName,
      document.errors.map((error) => {
        const where = error.linePos?.[0];
        const message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
        return where ? `line ${where.line}, column ${where.col}: ${message}` : message;
      }),
    );
  }
  const raw: unknown = document.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PolicyError(sourceName, ['the file must hold a mapping with "version" and "rules"']);
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) throw new PolicyError(sourceName, parsed.error.issues.map((issue) => describeIssue(issue, raw)));
  const ids = new Map<string, number>();
  const duplicates: string[] = [];
  parsed.data.rules.forEach((rule, index) => {
    const first = ids.get(rule.id);
    if (first !== undefined) duplicates.push(`rules[${index}] (${rule.id}): "id" is already used by rules[${first}]`);
    else ids.set(rule.id, index);
  });
  if (duplicates.length > 0) throw new PolicyError(sourceName, duplicates);
  return compilePolicy(parsed.data, sourceName);
}

/** Reads, validates and compiles a policy file. */
export async function loadPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PolicyError(basename(path), [code === 'ENOENT' ? `cannot read ${path}: no such file` : `cannot read ${path}: ${(error as Error).message}`]);
  }
  return parsePolicy(text, basename(path));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  record: 'a mapping',
};

/** One zod issue as `rules[12] (deny-disk-wipe): "decision" must be one of allow, approval, deny`. */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  let path = issue.path;
  let where = '';
  if (path[0] === 'rules' && typeof path[1] === 'number') {
    const id = valueAt(raw, ['rules', path[1], 'id']);
    where = `rules[${path[1]}]${typeof id === 'string' && id ? ` (${id})` : ''}: `;
    path = path.slice(2);
  }
  const field = fieldName(path);
  const value = valueAt(raw, issue.path);
  const subject = field ? `"${field}"` : 'the value';
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return `${where}${subject} is required`;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const names = issue.keys.map((key) => `"${field ? `${field}.` : ''}${key}"`);
      return `${where}unknown field${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `${where}${subject} must be ${JSON.stringify(issue.values[0])}`
        : `${where}${subject} must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      if (value === undefined) return `${where}${subject} is required`;
      if (issue.expected === 'array' && path.length > 0) return `${where}${subject} must be a string or a list of strings, not ${typeName(value)}`;
      return `${where}${subject} must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${typeName(value)}`;
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return `${where}${subject} must not be empty`;
      return `${where}${subject} must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `${where}${subject} must be at most ${String(issue.maximum)}`;
    default:
      return `${where}${subject} ${issue.message}`;
  }
}
