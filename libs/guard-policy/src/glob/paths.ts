import { braceExpansionAt, tildePrefix, type Word } from '../shell/words.js';
import {
  affixes,
  affixesDisjoint,
  ANY,
  covers,
  expandBraces,
  GLOBSTAR,
  intersects,
  lit,
  parseClass,
  simplify,
  STAR,
  tokensToLiteral,
  tokensToString,
  type Affixes,
  type CompiledGlob,
  type GlobToken,
} from './glob.js';

/** Three-valued answers: a restrictive rule fires on MAYBE, a permissive one needs YES. */
export const NO = 0;
export const MAYBE = 1;
export const YES = 2;
export type Tri = 0 | 1 | 2;

export function and(a: Tri, b: Tri): Tri {
  return a < b ? a : b;
}
export function or(a: Tri, b: Tri): Tri {
  return a > b ? a : b;
}
export function not(a: Tri): Tri {
  return (2 - a) as Tri;
}

/**
 * A path argument after normalisation, as one or more glob alternatives.
 *  - `exact`: a literal absolute path;
 *  - `glob`: unquoted wildcards or `~` (expands to real paths: overlaps are certain);
 *  - `uncertain`: relative to an unknown working directory, or built from an
 *    expansion, so an overlap is only possible, never proven.
 */
export interface PathPattern {
  readonly display: string;
  readonly alts: readonly (readonly GlobToken[])[];
  /** The path when it is a single literal absolute path. */
  readonly literal: string | null;
  readonly certainty: 'exact' | 'glob' | 'uncertain';
}

const SLASH = lit('/');
const URL_LIKE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/** Tokens of a word: quoted text is literal, unquoted globs are live, expansions are `**`. */
function wordTokens(word: Word, from: number): { tokens: GlobToken[]; wild: boolean; lastDynamic: number } {
  const tokens: GlobToken[] = [];
  let wild = false;
  let lastDynamic = -1;
  const { value, mask } = word;
  for (let i = from; i < value.length; i++) {
    const mark = mask[i];
    const ch = value[i] as string;
    if (mark === 'd') {
      lastDynamic = tokens.length;
      tokens.push(GLOBSTAR);
      continue;
    }
    if (mark === 's') {
      tokens.push(STAR);
      wild = true;
      continue;
    }
    if (mark === 'u') {
      if (ch === '*') {
        // `**` recurses under globstar; assume it may
        if (value[i + 1] === '*' && mask[i + 1] === 'u') {
          tokens.push(GLOBSTAR);
          i++;
        } else tokens.push(STAR);
        wild = true;
        continue;
      }
      if (ch === '?') {
        tokens.push(ANY);
        wild = true;
        continue;
      }
      if (ch === '[') {
        const parsed = parseClass(value, i);
        if (parsed) {
          tokens.push(parsed.token);
          i = parsed.end - 1;
          wild = true;
          continue;
        }
      }
      if (ch === '{' && braceExpansionAt(word, i)) {
        // an alternative may hold `/`: anything, up to the closing brace
        let depth = 0;
        for (; i < value.length; i++) {
          if (mask[i] !== 'u') continue;
          if (value[i] === '{') depth++;
          else if (value[i] === '}' && --depth === 0) break;
        }
        tokens.push(GLOBSTAR);
        wild = true;
        continue;
      }
    }
    tokens.push(lit(ch));
  }
  return { tokens, wild, lastDynamic };
}

function isGlobstarSegment(segment: readonly GlobToken[]): boolean {
  return segment.some((t) => t.t === 'globstar');
}

/** Resolves `.`, `..` and `//`; a `..` never climbs out of a `**` segment. */
function normaliseAbsolute(tokens: readonly GlobToken[]): GlobToken[] {
  const segments: GlobToken[][] = [];
  let current: GlobToken[] = [];
  const close = (): void => {
    const text = tokensToLiteral(current);
    if (current.length === 0 || text === '.') {
      // skip
    } else if (text === '..') {
      const last = segments[segments.length - 1];
      if (last && !isGlobstarSegment(last)) segments.pop();
    } else segments.push(current);
    current = [];
  };
  for (const token of tokens) {
    if (token === SLASH) close();
    else current.push(token);
  }
  close();
  const out: GlobToken[] = [];
  for (const segment of segments) out.push(SLASH, ...segment);
  return out.length === 0 ? [SLASH] : simplify(out);
}

/**
 * Turns a word into a path pattern. Relative paths hang below an unknown
 * working directory (`**` + `/rel`); anything before the last expansion is
 * dropped, since the expansion itself may contain `/..`.
 */
export function wordToPath(word: Word): PathPattern | null {
  if (word.value === '-' || word.value === '') return null;
  if (!word.dynamic && URL_LIKE.test(word.value)) return null;
  if (!word.dynamic && hasBraceExpansion(word)) return braceAlternatives(word);
  const tilde = tildePrefix(word);
  const start = tilde ? 1 + tilde.user.length : 0;
  const { tokens, wild, lastDynamic } = wordTokens(word, start);
  const display = word.text;
  if (lastDynamic >= 0) {
    const suffix = tokens.slice(lastDynamic + 1);
    const alt = simplify([GLOBSTAR, ...normaliseTail(suffix)]);
    return { display, alts: [alt], literal: null, certainty: 'uncertain' };
  }
  if (tilde) {
    const homes = homesOf(tilde.user);
    if (homes === null) return { display, alts: [simplify([GLOBSTAR, ...normaliseTail(tokens)])], literal: null, certainty: 'uncertain' };
    const alts = homes.map((home) => normaliseAbsolute([...home, ...tokens]));
    return { display, alts, literal: null, certainty: 'glob' };
  }
  if (tokens[0] === SLASH) {
    const alt = normaliseAbsolute(tokens);
    const literal = wild ? null : tokensToLiteral(alt);
    return { display, alts: [alt], literal, certainty: literal !== null ? 'exact' : 'glob' };
  }
  // relative: below some unknown directory
  const rel = normaliseAbsolute(tokens);
  const alt = rel.length === 1 ? [GLOBSTAR] : simplify([GLOBSTAR, ...rel]);
  return { display, alts: [alt], literal: null, certainty: 'uncertain' };
}

/** Normalises the part after a `**` (it keeps its leading slash, if any). */
function normaliseTail(tokens: readonly GlobToken[]): GlobToken[] {
  if (tokens.length === 0) return [];
  const leadingSlash = tokens[0] === SLASH;
  const normal = normaliseAbsolute(leadingSlash ? tokens : [SLASH, ...tokens]);
  if (normal.length === 1) return leadingSlash ? [SLASH] : [];
  return leadingSlash ? normal : normal.slice(1);
}

const ROOT_HOME = Array.from('/root', (c) => lit(c));
const USER_HOMES = [...Array.from('/home/', (c) => lit(c)), STAR];

/** `~` is root's or some user's home; `~user` that user's; `~+`/`~-` are unknown. */
function homesOf(user: string): GlobToken[][] | null {
  if (user === '') return [ROOT_HOME, USER_HOMES];
  if (user === 'root') return [ROOT_HOME];
  if (user === '+' || user === '-' || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(user)) return null;
  return [Array.from(`/home/${user}`, (c) => lit(c))];
}

function hasBraceExpansion(word: Word): boolean {
  for (let i = 0; i < word.value.length; i++) if (word.value[i] === '{' && word.mask[i] === 'u' && braceExpansionAt(word, i)) return true;
  return false;
}

/** `/{etc,usr}` is two paths: expand the alternatives (quoted characters stay literal). */
function braceAlternatives(word: Word): PathPattern | null {
  let glob = '';
  for (let i = 0; i < word.value.length; i++) {
    const ch = word.value[i] as string;
    const mark = word.mask[i];
    if (mark === 's') glob += '*';
    else if (mark === 'u') glob += ch === '\\' ? '\\\\' : ch;
    else glob += '*?[]{},\\'.includes(ch) ? `\\${ch}` : ch;
  }
  const alts: GlobToken[][] = [];
  for (const expanded of expandBraces(glob)) {
    const path = wordToPath(literalGlobWord(expanded));
    if (path) alts.push(...path.alts.map((alt) => [...alt]));
  }
  if (alts.length === 0) return null;
  const uncertain = !alts.every((alt) => alt[0] === SLASH);
  return { display: word.text, alts, literal: null, certainty: uncertain ? 'uncertain' : 'glob' };
}

/** A word whose unescaped glob characters are live (used after brace expansion). */
function literalGlobWord(glob: string): Word {
  let value = '';
  let mask = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '\\' && i + 1 < glob.length) {
      value += glob[++i];
      mask += 'q';
    } else {
      value += glob[i];
      mask += glob[i] === '{' || glob[i] === '}' || glob[i] === ',' ? 'q' : 'u';
    }
  }
  return { text: glob, value, mask, dynamic: false };
}

/** A literal absolute path given as a string (redirect targets, find starts). */
export function literalPath(path: string): PathPattern {
  const tokens = Array.from(path, (c) => lit(c));
  const alt = tokens[0] === SLASH ? normaliseAbsolute(tokens) : simplify([GLOBSTAR, ...normaliseAbsolute(tokens)]);
  const literal = tokensToLiteral(alt);
  return { display: path, alts: [alt], literal, certainty: literal !== null ? 'exact' : 'uncertain' };
}

/** Everything below a path pattern (`find START` with `{}`): `START/**`. */
export function below(path: PathPattern, display: string): PathPattern {
  const alts = path.alts.map((alt) => simplify(tokensToLiteral(alt) === '/' ? [SLASH, GLOBSTAR] : [...alt, SLASH, GLOBSTAR]));
  return { display, alts, literal: null, certainty: path.certainty === 'uncertain' ? 'uncertain' : 'glob' };
}

export const ANYWHERE: PathPattern = { display: '…', alts: [[GLOBSTAR]], literal: null, certainty: 'uncertain' };

/** Could the path be one the globs describe? */
export function pathMatches(path: PathPattern, globs: readonly CompiledGlob[]): Tri {
  let best: Tri = NO;
  for (let k = 0; k < path.alts.length; k++) {
    const alt = path.alts[k] as readonly GlobToken[];
    const literal = path.literal ?? (path.alts.length === 1 ? null : tokensToLiteral(alt));
    for (const glob of globs) {
      if (literal !== null) {
        if (glob.regex.test(literal)) return YES;
      } else if (!affixesDisjoint(altAffixes(path, k), glob) && intersects(alt, glob.tokens)) {
        if (path.certainty !== 'uncertain') return YES;
        best = MAYBE;
      }
    }
  }
  return best;
}

/**
 * Could the path be one of `globs` without being one of `except`? A glob
 * argument expands to every file it matches, so it hits when its overlap with
 * a rule glob is not entirely inside the exceptions.
 */
export function pathHits(path: PathPattern, globs: readonly CompiledGlob[], except: readonly CompiledGlob[] | null): Tri {
  let best: Tri = NO;
  for (let k = 0; k < path.alts.length; k++) {
    const alt = path.alts[k] as readonly GlobToken[];
    const literal = path.literal ?? (path.alts.length === 1 ? null : tokensToLiteral(alt));
    if (literal !== null) {
      if (!globs.some((g) => g.regex.test(literal))) continue;
      if (except && except.some((e) => e.regex.test(literal))) continue;
      return YES;
    }
    if (except && except.some((e) => covers(e, alt))) continue;
    const ends = altAffixes(path, k);
    for (const glob of globs) {
      if (affixesDisjoint(ends, glob) || !intersects(alt, glob.tokens)) continue;
      if (path.certainty !== 'uncertain') return YES;
      best = MAYBE;
    }
  }
  return best;
}

const affixCache = new WeakMap<PathPattern, Affixes[]>();

function altAffixes(path: PathPattern, k: number): Affixes {
  let list = affixCache.get(path);
  if (!list) {
    list = path.alts.map((alt) => affixes(alt));
    affixCache.set(path, list);
  }
  return list[k] as Affixes;
}

/** Is the path certainly one the globs describe (every alternative covered)? */
export function pathWithin(path: PathPattern, globs: readonly CompiledGlob[]): Tri {
  let all = true;
  for (const alt of path.alts) {
    if (!globs.some((glob) => covers(glob, alt))) {
      all = false;
      break;
    }
  }
  if (all) return YES;
  return pathMatches(path, globs) === NO ? NO : MAYBE;
}

export function pathToString(path: PathPattern): string {
  return path.alts.map((alt) => tokensToString(alt)).join(' | ');
}
