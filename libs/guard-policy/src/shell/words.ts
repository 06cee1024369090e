import type { Node } from 'web-tree-sitter';

/**
 * One shell word after quote removal. `value` is what the program would
 * receive; every character carries a mark in `mask`:
 *  - `q` quoted or escaped literal (no globbing, no tilde),
 *  - `u` unquoted literal (globs and `~` are live),
 *  - `d` an expansion or substitution: the real text is unknown,
 *  - `s` a brace range such as `{1..3}`: some run of characters without `/`.
 * Only `value` and `mask` are used for judging; `text` is the source, shown to
 * people.
 */
export interface Word {
  readonly text: string;
  readonly value: string;
  readonly mask: string;
  readonly dynamic: boolean;
}

/** Stands for unknown text in `value` (input with NUL is refused earlier). */
export const DYN = '\u0000';

export function literalWord(value: string, text = value): Word {
  return { text, value, mask: 'q'.repeat(value.length), dynamic: false };
}

/** A word whose value is unknown (e.g. arguments xargs reads from stdin). */
export function unknownWord(text: string): Word {
  return { text, value: DYN, mask: 'd', dynamic: true };
}

class WordBuilder {
  value = '';
  mask = '';

  add(text: string, mark: 'q' | 'u' | 's'): void {
    this.value += text;
    this.mask += mark.repeat(text.length);
  }

  unknown(): void {
    this.value += DYN;
    this.mask += 'd';
  }
}

/** Resolves quoting and escapes of a word-like node into a {@link Word}. */
export function resolveWord(node: Node): Word {
  const builder = new WordBuilder();
  appendNode(node, builder);
  return { text: node.text, value: builder.value, mask: builder.mask, dynamic: builder.mask.includes('d') };
}

/** Joins word nodes that touch (no blank between them): the shell sees one word. */
export function resolveAdjacent(nodes: readonly Node[]): Word {
  if (nodes.length === 1) return resolveWord(nodes[0] as Node);
  const builder = new WordBuilder();
  let text = '';
  for (const node of nodes) {
    appendNode(node, builder);
    text += node.text;
  }
  return { text, value: builder.value, mask: builder.mask, dynamic: builder.mask.includes('d') };
}

function appendNode(node: Node, out: WordBuilder): void {
  switch (node.type) {
    case 'word':
      appendUnquoted(node.text, out);
      return;
    case 'raw_string': {
      const text = node.text;
      out.add(text.slice(1, text.endsWith("'") && text.length > 1 ? -1 : undefined), 'q');
      return;
    }
    case 'string':
      appendDoubleQuoted(node, out);
      return;
    case 'translated_string': {
      const inner = node.namedChildren.find((child) => child?.type === 'string');
      if (inner) appendDoubleQuoted(inner, out);
      else out.unknown();
      return;
    }
    case 'ansi_c_string':
      out.add(decodeAnsiC(node.text.slice(2, -1)), 'q');
      return;
    case 'number':
      if (node.childCount > 0) out.unknown();
      else out.add(node.text, 'u');
      return;
    case 'concatenation':
    case 'command_name':
      appendChildren(node, out);
      return;
    case '$':
      out.add('$', 'u');
      return;
    case '``':
      // empty backticks expand to nothing
      return;
    case 'brace_expression':
      out.add('{', 's');
      return;
    case 'test_operator':
    case 'regex':
    case 'extglob_pattern':
      appendUnquoted(node.text, out);
      return;
    default:
      // expansions, substitutions, arithmetic and anything unexpected
      out.unknown();
  }
}

/** Children of a concatenation, with a safety net for text between them. */
function appendChildren(node: Node, out: WordBuilder): void {
  let position = node.startIndex;
  for (const child of node.children) {
    if (!child) continue;
    if (child.startIndex > position) out.unknown();
    appendNode(child, out);
    position = child.endIndex;
  }
  if (position < node.endIndex) out.unknown();
}

function appendUnquoted(text: string, out: WordBuilder): void {
  let literalRun = '';
  const flush = (): void => {
    if (literalRun) out.add(literalRun, 'u');
    literalRun = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) {
        literalRun += ch;
        continue;
      }
      flush();
      i++;
      if (next === '\n') continue; // line continuation
      out.add(next, 'q');
      continue;
    }
    literalRun += ch;
  }
  flush();
}

/** Inside double quotes a backslash only escapes `$`, backtick, `"`, `\` and newline. */
function unescapeDoubleQuoted(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (ch === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      if (next !== '\n') out += next;
      i++;
      continue;
    }
    out += ch;
  }
  return out;
}

function appendDoubleQuoted(node: Node, out: WordBuilder): void {
  let position = node.startIndex;
  const children = node.children;
  for (let k = 0; k < children.length; k++) {
    const child = children[k];
    if (!child) continue;
    if (child.startIndex > position) out.unknown();
    position = child.endIndex;
    switch (child.type) {
      case '"':
        break;
      case 'string_content':
        out.add(unescapeDoubleQuoted(child.text), 'q');
        break;
      case '$':
        out.add('$', 'q');
        break;
      default:
        out.unknown();
    }
  }
  if (position < node.endIndex) out.unknown();
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/**
 * Decodes the body of `$'...'` like bash: \xHH, \nnn (octal), \uHHHH,
 * \UHHHHHHHH, \cX and the C escapes. A NUL ends the string, as in bash.
 */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[i + 1] as string;
    i++;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    let code: number | null = null;
    if (next === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1));
      if (m) {
        code = parseInt(m[0], 16);
        i += m[0].length;
      } else {
        out += '\\x';
        continue;
      }
    } else if (next >= '0' && next <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
      code = parseInt(m[0], 8) & 0xff;
      i += m[0].length - 1;
    } else if (next === 'u' || next === 'U') {
      const m = new RegExp(`^[0-9a-fA-F]{1,${next === 'u' ? 4 : 8}}`).exec(body.slice(i + 1));
      if (m) {
        code = parseInt(m[0], 16);
        i += m[0].length;
      } else {
        out += `\\${next}`;
        continue;
      }
    } else if (next === 'c' && i + 1 < body.length) {
      code = (body.charCodeAt(i + 1) & 0x1f) >>> 0;
      i++;
    } else {
      out += `\\${next}`;
      continue;
    }
    if (code === 0) break;
    out += code > 0x10ffff ? '\ufffd' : String.fromCodePoint(code);
  }
  return out;
}

/** The value with unknown parts shown as `…` (for people and regex rules on static words). */
export function displayValue(word: Word): string {
  return word.dynamic ? word.text : word.value;
}

export function hasUnquotedGlob(word: Word): boolean {
  for (let i = 0; i < word.value.length; i++) {
    const mark = word.mask[i];
    if (mark === 's') return true;
    if (mark !== 'u') continue;
    const ch = word.value[i];
    if (ch === '*' || ch === '?' || ch === '[') return true;
    if (ch === '{' && braceExpansionAt(word, i)) return true;
  }
  return false;
}

/** `{a,b}` or `{1..3}` with unquoted braces and separator. */
export function braceExpansionAt(word: Word, open: number): boolean {
  let depth = 0;
  let separator = false;
  for (let i = open; i < word.value.length; i++) {
    if (word.mask[i] !== 'u') continue;
    const ch = word.value[i];
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return separator;
    } else if (depth === 1 && (ch === ',' || (ch === '.' && word.value[i + 1] === '.' && word.mask[i + 1] === 'u'))) separator = true;
  }
  return false;
}

/** `~`, `~/x`, `~user/x` with an unquoted tilde. */
export function tildePrefix(word: Word): { user: string; rest: string } | null {
  if (word.value[0] !== '~' || word.mask[0] !== 'u') return null;
  let end = 1;
  while (end < word.value.length && word.value[end] !== '/') {
    if (word.mask[end] !== 'u') return null;
    end++;
  }
  return { user: word.value.slice(1, end), rest: word.value.slice(end) };
}
