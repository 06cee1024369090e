/**
 * Just enough of the Prisma schema language to read, per model field, the
 * type modifiers (`?`, `[]`) and the `@db.*` native type — the facts Prisma 7
 * leaves out of the client's runtime data model. Field names and `@map`
 * names come from the runtime data model, not from here.
 */

export interface SchemaField {
  readonly name: string;
  /** Scalar, enum or model name; `Unsupported` for `Unsupported("…")`. */
  readonly type: string;
  readonly optional: boolean;
  readonly list: boolean;
  /** `@db.VarChar(20)` → `{ name: 'VarChar', args: ['20'] }`. */
  readonly nativeType?: { readonly name: string; readonly args: readonly string[] };
}

/** Fields of every `model` block, by model name. */
export function parseSchemaFields(schema: string): Map<string, SchemaField[]> {
  const models = new Map<string, SchemaField[]>();
  const text = stripComments(schema);
  const header = /\bmodel\s+(\w+)\s*\{/g;
  for (let match = header.exec(text); match; match = header.exec(text)) {
    const bodyStart = header.lastIndex;
    const bodyEnd = closingBrace(text, bodyStart);
    models.set(match[1] as string, parseFields(text.slice(bodyStart, bodyEnd)));
    header.lastIndex = bodyEnd + 1;
  }
  return models;
}

/** Database names of `enum` blocks (their `@@map`, else their own name), by enum name. */
export function parseEnumDbNames(schema: string): Map<string, string> {
  const enums = new Map<string, string>();
  const text = stripComments(schema);
  const header = /\benum\s+(\w+)\s*\{/g;
  for (let match = header.exec(text); match; match = header.exec(text)) {
    const bodyEnd = closingBrace(text, header.lastIndex);
    const mapped = /@@map\(\s*"([^"]*)"\s*\)/.exec(text.slice(header.lastIndex, bodyEnd))?.[1];
    enums.set(match[1] as string, mapped ?? (match[1] as string));
    header.lastIndex = bodyEnd + 1;
  }
  return enums;
}

const FIELD = /^(\w+)\s+(\w+)(\([^)]*\))?(\[\])?(\?)?(.*)$/;
const NATIVE_TYPE = /@db\.(\w+)(?:\(([^)]*)\))?/;

function parseFields(body: string): SchemaField[] {
  const fields: SchemaField[] = [];
  for (const rawLine of body.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('@@')) continue;
    const match = FIELD.exec(line);
    if (!match) continue;
    const [, name = '', type = '', , list, optional, rest = ''] = match;
    const native = NATIVE_TYPE.exec(rest);
    fields.push({
      name,
      type,
      optional: optional === '?',
      list: list === '[]',
      ...(native ? { nativeType: { name: native[1] as string, args: splitArgs(native[2]) } } : {}),
    });
  }
  return fields;
}

function splitArgs(args: string | undefined): string[] {
  return args === undefined || args.trim() === '' ? [] : args.split(',').map((arg) => arg.trim());
}

/** Removes `//` comments (including `///` doc comments), leaving string literals such as `"http://x"` intact. */
function stripComments(schema: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < schema.length; i++) {
    const char = schema[i];
    if (inString) {
      out += char;
      if (char === '\\') out += schema[++i] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '/' && schema[i + 1] === '/') {
      while (i < schema.length && schema[i] !== '\n') i++;
      out += '\n';
    } else {
      out += char;
    }
  }
  return out;
}

/** Index of the `}` closing a block whose body starts at `from`; braces inside strings do not count. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return text.length;
}
