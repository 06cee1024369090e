import { createHash } from 'node:crypto';

/**
 * The hash chain's canonical JSON, recomputed in Node independently of the
 * database functions that wrote it (migration 20261123020000_audit_chain):
 * object keys sorted by code point (PostgreSQL's COLLATE "C"), no whitespace,
 * strings escaped like PostgreSQL's to_json (which JSON.stringify matches for
 * every string PostgreSQL can store), numbers exactly as PostgreSQL prints them.
 */

/** prev_hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Byte order of the UTF-8 encodings, which is code point order: what COLLATE "C" sorts by. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `{"k":v,…}` from already-canonical member texts, keys sorted. */
export function canonicalObject(members: ReadonlyArray<readonly [key: string, valueJson: string]>): string {
  const sorted = [...members].sort(([a], [b]) => compareCodePoints(a, b));
  return `{${sorted.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** A JSON string, or `null`. */
export function jsonText(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : JSON.stringify(value);
}

type Node = { raw: string } | { items: Node[] } | { members: Array<{ rawKey: string; key: string; value: Node }> };

/**
 * Canonical form of JSON text as PostgreSQL prints jsonb (`details::text`).
 * Number and string tokens are kept verbatim, so `2.50` stays `2.50` and
 * `1e21` stays as PostgreSQL expanded it; only whitespace and key order change.
 */
export function canonicalJsonFromText(text: string): string {
  const parser = new TokenPreservingParser(text);
  const node = parser.parseDocument();
  return emit(node);
}

function emit(node: Node): string {
  if ('raw' in node) return node.raw;
  if ('items' in node) return `[${node.items.map(emit).join(',')}]`;
  const sorted = [...node.members].sort((a, b) => compareCodePoints(a.key, b.key));
  return `{${sorted.map((member) => `${member.rawKey}:${emit(member.value)}`).join(',')}}`;
}

class TokenPreservingParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parseDocument(): Node {
    const node = this.parseValue();
    this.skipWhitespace();
    if (this.position !== this.text.length) this.fail('trailing characters');
    return node;
  }

  private parseValue(): Node {
    this.skipWhitespace();
    const char = this.text[this.position];
    if (char === '{') return this.parseObject();
    if (char === '[') return this.parseArray();
    if (char === '"') return { raw: this.readString() };
    const match = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.position, this.position + 400));
    if (!match) this.fail('a value was expected');
    this.position += match[0].length;
    return { raw: match[0] };
  }

  private parseObject(): Node {
    this.position++;
    const members: Array<{ rawKey: string; key: string; value: Node }> = [];
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return { members };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') this.fail('a key was expected');
      const rawKey = this.readString();
      this.skipWhitespace();
      if (this.text[this.position] !== ':') this.fail('":" was expected');
      this.position++;
      members.push({ rawKey, key: JSON.parse(rawKey) as string, value: this.parseValue() });
      if (this.endOfList('}')) return { members };
    }
  }

  private parseArray(): Node {
    this.position++;
    const items: Node[] = [];
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return { items };
    }
    for (;;) {
      items.push(this.parseValue());
      if (this.endOfList(']')) return { items };
    }
  }

  /** After a list element: consumes `,` (more follow) or the closing bracket (done). */
  private endOfList(close: string): boolean {
    this.skipWhitespace();
    const char = this.text[this.position++];
    if (char === close) return true;
    if (char !== ',') this.fail(`"," or "${close}" was expected`);
    return false;
  }

  private readString(): string {
    const start = this.position;
    this.position++;
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char === '\\') this.position += 2;
      else if (char === '"') return this.text.slice(start, ++this.position);
      else this.position++;
    }
    return this.fail('unterminated string');
  }

  private skipWhitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.position] ?? '')) this.position++;
  }

  private fail(what: string): never {
    throw new SyntaxError(`invalid JSON at offset ${this.position}: ${what}`);
  }
}
