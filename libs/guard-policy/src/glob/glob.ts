/**
 * A small glob engine over token lists. Patterns from the policy and path
 * arguments from commands are both turned into tokens, so the guard can ask
 * two questions without expanding anything on disk:
 *  - could some path match both patterns? ({@link intersects}) — used by
 *    restrictive rules (`rm -rf /*` overlaps `/etc`);
 *  - does every path of one pattern match the other? ({@link covers}) — used
 *    where a rule needs proof (`/tmp/*.log` lies within `/tmp/**`).
 */

/** A literal character. */
export interface LitToken {
  readonly t: 'lit';
  readonly c: string;
}
/** `?`: one character other than `/`. */
export interface AnyToken {
  readonly t: 'any';
}
/** `[...]`: one character from (or, negated, not from) a set; never `/`. */
export interface ClassToken {
  readonly t: 'class';
  readonly ranges: readonly (readonly [number, number])[];
  readonly neg: boolean;
}
/** `*`: any run of characters other than `/`. */
export interface StarToken {
  readonly t: 'star';
}
/** `**` (or an unknown value): any run of characters, `/` included. */
export interface GlobstarToken {
  readonly t: 'globstar';
}
export type GlobToken = LitToken | AnyToken | ClassToken | StarToken | GlobstarToken;

export const STAR: StarToken = { t: 'star' };
export const GLOBSTAR: GlobstarToken = { t: 'globstar' };
export const ANY: AnyToken = { t: 'any' };
const litCache = new Map<string, LitToken>();

export function lit(c: string): LitToken {
  let token = litCache.get(c);
  if (!token) {
    token = { t: 'lit', c };
    litCache.set(c, token);
  }
  return token;
}

export function isWild(token: GlobToken): boolean {
  return token.t !== 'lit';
}

export function literalTokens(text: string): GlobToken[] {
  return Array.from(text, (c) => lit(c));
}

/** The string a token list stands for, when it holds no wildcard. */
export function tokensToLiteral(tokens: readonly GlobToken[]): string | null {
  let out = '';
  for (const token of tokens) {
    if (token.t !== 'lit') return null;
    out += token.c;
  }
  return out;
}

/** Renders tokens back to glob syntax (for explain output). */
export function tokensToString(tokens: readonly GlobToken[]): string {
  let out = '';
  for (const token of tokens) {
    switch (token.t) {
      case 'lit':
        out += '*?[]\\'.includes(token.c) ? `\\${token.c}` : token.c;
        break;
      case 'any':
        out += '?';
        break;
      case 'star':
        out += '*';
        break;
      case 'globstar':
        out += '**';
        break;
      case 'class':
        out += `[${token.neg ? '!' : ''}${token.ranges.map(([lo, hi]) => (lo === hi ? String.fromCodePoint(lo) : `${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`)).join('')}]`;
        break;
    }
  }
  return out;
}

/**
 * Parses a `[...]` class starting at `start` (the `[`). Returns the token and
 * the index after `]`, or null when there is no closing bracket (then `[` is
 * a literal, as in the shell).
 */
export function parseClass(text: string, start: number): { token: ClassToken; end: number } | null {
  let i = start + 1;
  let neg = false;
  if (text[i] === '!' || text[i] === '^') {
    neg = true;
    i++;
  }
  const ranges: [number, number][] = [];
  let first = true;
  while (i < text.length) {
    let ch = text[i] as string;
    if (ch === ']' && !first) return { token: { t: 'class', ranges, neg }, end: i + 1 };
    first = false;
    if (ch === '[' && text[i + 1] === ':') {
      // POSIX classes: approximate generously, the guard only needs "could match"
      const close = text.indexOf(':]', i + 2);
      if (close < 0) return null;
      ranges.push(...posixClass(text.slice(i + 2, close)));
      i = close + 2;
      continue;
    }
    if (ch === '\\' && i + 1 < text.length) {
      i++;
      ch = text[i] as string;
    }
    const lo = ch.codePointAt(0) ?? 0;
    i += ch.length;
    if (text[i] === '-' && text[i + 1] !== undefined && text[i + 1] !== ']') {
      let hiCh = text[i + 1] as string;
      let skip = 2;
      if (hiCh === '\\' && text[i + 2] !== undefined) {
        hiCh = text[i + 2] as string;
        skip = 3;
      }
      const hi = hiCh.codePointAt(0) ?? lo;
      ranges.push(lo <= hi ? [lo, hi] : [hi, lo]);
      i += skip;
    } else {
      ranges.push([lo, lo]);
    }
  }
  return null;
}

function posixClass(name: string): [number, number][] {
  switch (name) {
    case 'digit':
      return [[48, 57]];
    case 'lower':
      return [[97, 122]];
    case 'upper':
      return [[65, 90]];
    case 'alpha':
      return [[65, 90], [97, 122]];
    case 'alnum':
      return [[48, 57], [65, 90], [97, 122]];
    case 'xdigit':
      return [[48, 57], [65, 70], [97, 102]];
    case 'space':
    case 'blank':
      return [[9, 13], [32, 32]];
    default:
      return [[0, 0x10ffff]];
  }
}

/** Expands `{a,b}` alternatives (nested allowed) into separate patterns. */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) {
        if (commas.length === 0) {
          // `{x}` is literal: keep it and expand what follows
          return expandBraces(pattern.slice(open + 1)).map((rest) => pattern.slice(0, open + 1) + rest);
        }
        const parts: string[] = [];
        let from = open + 1;
        for (const comma of commas) {
          parts.push(pattern.slice(from, comma));
          from = comma + 1;
        }
        parts.push(pattern.slice(from, i));
        const prefix = pattern.slice(0, open);
        const suffix = pattern.slice(i + 1);
        return parts.flatMap((part) => expandBraces(prefix + part + suffix));
      }
    } else if (ch === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}

function findUnescaped(text: string, ch: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ch) return i;
  }
  return -1;
}

/** Tokenises one glob (no braces): `**`, `*`, `?`, `[...]`, `\x`. */
export function globToTokens(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      tokens.push(lit(pattern[i + 1] as string));
      i += 2;
    } else if (ch === '*') {
      if (pattern[i + 1] === '*') {
        tokens.push(GLOBSTAR);
        i += 2;
        while (pattern[i] === '*') i++;
      } else {
        tokens.push(STAR);
        i++;
      }
    } else if (ch === '?') {
      tokens.push(ANY);
      i++;
    } else if (ch === '[') {
      const parsed = parseClass(pattern, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else {
        tokens.push(lit('['));
        i++;
      }
    } else {
      const cp = pattern.codePointAt(i) ?? 0;
      const s = String.fromCodePoint(cp);
      tokens.push(lit(s));
      i += s.length;
    }
  }
  return simplify(tokens);
}

/** Merges runs of stars (a globstar absorbs neighbouring stars). */
export function simplify(tokens: GlobToken[]): GlobToken[] {
  const out: GlobToken[] = [];
  for (const token of tokens) {
    const prev = out[out.length - 1];
    if (token.t === 'star' && prev && (prev.t === 'star' || prev.t === 'globstar')) continue;
    if (token.t === 'globstar' && prev && (prev.t === 'star' || prev.t === 'globstar')) {
      out[out.length - 1] = GLOBSTAR;
      continue;
    }
    out.push(token);
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** Compiles tokens to an anchored regular expression (done once per policy glob). */
export function tokensToRegex(tokens: readonly GlobToken[]): RegExp {
  let source = '^';
  for (const token of tokens) {
    switch (token.t) {
      case 'lit':
        source += escapeRegex(token.c);
        break;
      case 'any':
        source += '[^/]';
        break;
      case 'star':
        source += '[^/]*';
        break;
      case 'globstar':
        source += '.*';
        break;
      case 'class': {
        const body = token.ranges
          .map(([lo, hi]) => (lo === hi ? `\\u{${lo.toString(16)}}` : `\\u{${lo.toString(16)}}-\\u{${hi.toString(16)}}`))
          .join('');
        source += token.neg ? `(?![/])[^${body}]` : `(?![/])[${body}]`;
        break;
      }
    }
  }
  return new RegExp(`${source}$`, 'su');
}

/** One character set, as a predicate description used by {@link intersects}. */
interface CharSet {
  ranges: readonly (readonly [number, number])[];
  neg: boolean;
  slash: boolean;
}

function charSet(token: GlobToken): CharSet | null {
  switch (token.t) {
    case 'any':
    case 'star':
      return { ranges: [], neg: true, slash: false };
    case 'globstar':
      return { ranges: [], neg: true, slash: true };
    case 'class':
      return { ranges: token.ranges, neg: token.neg, slash: false };
    case 'lit':
      return null;
  }
}

function accepts(token: GlobToken, c: string): boolean {
  switch (token.t) {
    case 'lit':
      return token.c === c;
    case 'globstar':
      return true;
    case 'any':
    case 'star':
      return c !== '/';
    case 'class': {
      if (c === '/') return false;
      const cp = c.codePointAt(0) ?? 0;
      const inSet = token.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
      return inSet !== token.neg;
    }
  }
}

function inRanges(ranges: readonly (readonly [number, number])[], cp: number): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/** Is there one character both tokens accept? */
function compatible(a: GlobToken, b: GlobToken): boolean {
  if (a.t === 'lit') return accepts(b, a.c);
  if (b.t === 'lit') return accepts(a, b.c);
  const sa = charSet(a) as CharSet;
  const sb = charSet(b) as CharSet;
  if (sa.neg && sb.neg) return true; // the alphabet is unbounded
  const [pos, other] = sa.neg ? [sb, sa] : [sa, sb];
  for (const [lo, hi] of pos.ranges) {
    // ranges are small in practice; a huge one certainly has a free character
    if (hi - lo > 4096) return true;
    for (let cp = lo; cp <= hi; cp++) {
      if (cp === 47 && !(pos.slash && other.slash)) continue;
      if (inRanges(other.ranges, cp) !== other.neg) return true;
    }
  }
  return false;
}

function isStarLike(token: GlobToken | undefined): boolean {
  return token !== undefined && (token.t === 'star' || token.t === 'globstar');
}

/**
 * Depth-first search over pairs of positions (i in a list of `aLength`
 * tokens, j in one of `bLength`): `step` pushes the successors of a pair;
 * true when both lists can be consumed together.
 */
function reachesEnd(aLength: number, bLength: number, step: (i: number, j: number, push: (i: number, j: number) => void) => void): boolean {
  const width = bLength + 1;
  const seen = new Uint8Array((aLength + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number): void => {
    const key = i * width + j;
    if (seen[key]) return;
    seen[key] = 1;
    stack.push(key);
  };
  while (stack.length > 0) {
    const key = stack.pop() as number;
    const i = Math.floor(key / width);
    const j = key % width;
    if (i === aLength && j === bLength) return true;
    step(i, j, push);
  }
  return false;
}

/** Could one string match both token lists? (product automaton search) */
export function intersects(a: readonly GlobToken[], b: readonly GlobToken[]): boolean {
  return reachesEnd(a.length, b.length, (i, j, push) => {
    const ta = a[i];
    const tb = b[j];
    if (isStarLike(ta)) push(i + 1, j);
    if (isStarLike(tb)) push(i, j + 1);
    if (ta && tb && compatible(ta, tb)) push(isStarLike(ta) ? i : i + 1, isStarLike(tb) ? j : j + 1);
  });
}

/**
 * Does every string matched by `inner` also match `outer`? Decided token by
 * token: each inner token must fall inside an outer token at least as general
 * (a literal inside `?`/`*`/`**`, a `*` inside `*`/`**`, anything inside
 * `**`). Sound but not complete: when unsure it answers false, so a
 * permissive rule never passes on a guess.
 */
export function covers(outer: CompiledGlob, inner: readonly GlobToken[]): boolean {
  const literal = tokensToLiteral(inner);
  if (literal !== null) return outer.regex.test(literal);
  const a = outer.tokens;
  return reachesEnd(a.length, inner.length, (i, j, push) => {
    const o = a[i];
    const t = inner[j];
    if (!o) return;
    if (o.t === 'star' || o.t === 'globstar') {
      push(i + 1, j);
      if (t && (o.t === 'globstar' || (t.t !== 'globstar' && !(t.t === 'lit' && t.c === '/')))) push(i, j + 1);
      return;
    }
    if (!t) return;
    if (o.t === 'lit') {
      if (t.t === 'lit' && t.c === o.c) push(i + 1, j + 1);
    } else if (o.t === 'any') {
      if ((t.t === 'lit' && t.c !== '/') || t.t === 'any' || t.t === 'class') push(i + 1, j + 1);
    } else if (o.t === 'class') {
      if (t.t === 'lit' && accepts(o, t.c)) push(i + 1, j + 1);
      else if (t.t === 'class' && sameToken(o, t)) push(i + 1, j + 1);
    }
  });
}

function sameToken(a: GlobToken, b: GlobToken): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'lit') return a.c === (b as LitToken).c;
  if (a.t === 'class') {
    const other = b as ClassToken;
    return a.neg === other.neg && JSON.stringify(a.ranges) === JSON.stringify(other.ranges);
  }
  return true;
}

/** A policy glob, compiled once. */
export interface CompiledGlob extends Affixes {
  readonly source: string;
  readonly tokens: readonly GlobToken[];
  readonly regex: RegExp;
  /** For `literal/prefix/**`: `literal/prefix/`; else null. */
  readonly prefixThenGlobstar: string | null;
}

/** The literal text every match starts and ends with. */
export interface Affixes {
  readonly prefix: string;
  readonly suffix: string;
}

export function affixes(tokens: readonly GlobToken[]): Affixes {
  let prefix = '';
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i] as GlobToken;
    if (token.t !== 'lit') break;
    prefix += token.c;
  }
  if (i === tokens.length) return { prefix, suffix: prefix };
  let suffix = '';
  for (let k = tokens.length - 1; k >= 0; k--) {
    const token = tokens[k] as GlobToken;
    if (token.t !== 'lit') break;
    suffix = token.c + suffix;
  }
  return { prefix, suffix };
}

/** Cheap proof that no string matches both: their fixed starts or ends disagree. */
export function affixesDisjoint(a: Affixes, b: Affixes): boolean {
  const p = Math.min(a.prefix.length, b.prefix.length);
  if (p > 0 && a.prefix.slice(0, p) !== b.prefix.slice(0, p)) return true;
  const q = Math.min(a.suffix.length, b.suffix.length);
  return q > 0 && a.suffix.slice(a.suffix.length - q) !== b.suffix.slice(b.suffix.length - q);
}

export function compileTokens(source: string, tokens: GlobToken[]): CompiledGlob {
  let prefixThenGlobstar: string | null = null;
  const last = tokens[tokens.length - 1];
  if (last?.t === 'globstar') {
    const prefix = tokensToLiteral(tokens.slice(0, -1));
    if (prefix !== null) prefixThenGlobstar = prefix;
  }
  return { source, tokens, regex: tokensToRegex(tokens), prefixThenGlobstar, ...affixes(tokens) };
}

/** Compiles a name glob (program names, hosts, roles, env names). */
export function compileNameGlob(pattern: string): CompiledGlob[] {
  return expandBraces(pattern).map((p) => compileTokens(pattern, globToTokens(p)));
}

/** A set of name globs with a fast path for plain names. */
export class NameMatcher {
  private readonly exact = new Set<string>();
  private readonly globs: CompiledGlob[] = [];

  constructor(patterns: readonly string[]) {
    for (const pattern of patterns) {
      for (const expanded of expandBraces(pattern)) {
        const tokens = globToTokens(expanded);
        const literal = tokensToLiteral(tokens);
        if (literal !== null) this.exact.add(literal);
        else this.globs.push(compileTokens(pattern, tokens));
      }
    }
  }

  get exactNames(): ReadonlySet<string> {
    return this.exact;
  }

  get hasGlobs(): boolean {
    return this.globs.length > 0;
  }

  matches(name: string): boolean {
    if (this.exact.has(name)) return true;
    for (const glob of this.globs) if (glob.regex.test(name)) return true;
    return false;
  }
}
