import { compileTokens, covers, expandBraces, globToTokens, NameMatcher, type CompiledGlob } from '../glob/glob.js';
import { and, MAYBE, NO, not, or, pathHits, pathWithin, wordToPath, YES, type PathPattern, type Tri } from '../glob/paths.js';
import type { DecisionKind } from '../shell/model.js';
import type { Word } from '../shell/words.js';
import { compileRegex, type MatchDocument, type PolicyDocument, type RuleDocument } from './schema.js';
import { NO_SYNTAX, type LayerView, type ProgramSyntax } from './view.js';

/** Per request facts rules can look at besides the layer itself. */
export interface MatchContext {
  readonly host: string | undefined;
  readonly role: string | undefined;
  /** Every program in the whole command line. */
  readonly linePrograms: ReadonlySet<string>;
}

interface FlagSpec {
  readonly kind: 'short' | 'long' | 'exact';
  readonly text: string;
}

interface PathMatcher {
  readonly any: readonly CompiledGlob[] | null;
  readonly except: readonly CompiledGlob[] | null;
  readonly within: readonly CompiledGlob[] | null;
  readonly lastOnly: boolean;
}

export interface Touches {
  readonly paths: readonly string[];
  readonly containers: readonly string[];
}

/** A rule with every glob and regular expression compiled once. */
export interface CompiledRule {
  readonly index: number;
  readonly id: string;
  readonly description: string | undefined;
  readonly decision: DecisionKind;
  readonly reason: string;
  /** allow rules need proof (YES); approval/deny rules also fire on doubt (MAYBE, as approval). */
  readonly permissive: boolean;
  readonly programs: NameMatcher | null;
  readonly touches: Touches | null;
  readonly test: (view: LayerView, ctx: MatchContext) => Tri;
  /** Index of the first operand after the rule's subcommand (0 without one). */
  readonly operandStart: (view: LayerView) => number;
  /** What exactly matched, when worth naming in the reason (the variables of an `env` rule). */
  readonly detail: (view: LayerView) => string | null;
}

export interface PolicySettings {
  readonly defaultDecision: 'approval' | 'deny';
  readonly maxDepth: number;
  readonly maxCommandLength: number;
  readonly maxCommands: number;
  readonly trustedProgramDirs: readonly CompiledGlob[];
}

/** A validated, compiled policy; build evaluators from it with `createGuardEvaluator`. */
export interface Policy {
  readonly source: string;
  readonly document: PolicyDocument;
  readonly settings: PolicySettings;
  readonly rules: readonly CompiledRule[];
  /** What `programs:` says about a program's arguments (value-taking options, pattern operand). */
  syntaxOf(program: string | null): ProgramSyntax;
  /** Rules that may apply to a program (in policy order); null program: rules without a program matcher. */
  rulesFor(program: string | null): readonly CompiledRule[];
}

export function compilePolicy(document: PolicyDocument, source: string): Policy {
  const rules = document.rules.map((rule, index) => compileRule(rule, index));
  const withoutProgram = rules.filter((rule) => rule.programs === null);
  const byProgram = new Map<string, readonly CompiledRule[]>();
  const syntax = new Map<string, ProgramSyntax>(
    Object.entries(document.programs).map(([program, spec]) => [
      program,
      {
        global: new Set(spec.valueOptions ?? []),
        bySubcommand: new Map(Object.entries(spec.subcommands ?? {}).map(([sub, options]) => [sub, new Set(options)])),
        patternFirst: spec.patternFirst ? new Set(spec.patternFirst) : null,
      },
    ]),
  );
  const trusted = document.settings.trustedProgramDirs.flatMap((dir) => compilePathGlob(`${dir.replace(/\/+$/, '')}/*`));
  return {
    source,
    document,
    settings: { ...document.settings, trustedProgramDirs: trusted },
    rules,
    syntaxOf: (program) => (program === null ? NO_SYNTAX : (syntax.get(program) ?? NO_SYNTAX)),
    rulesFor(program) {
      if (program === null) return withoutProgram;
      let list = byProgram.get(program);
      if (!list) {
        list = rules.filter((rule) => rule.programs === null || rule.programs.matches(program));
        if (byProgram.size > 10_000) byProgram.clear();
        byProgram.set(program, list);
      }
      return list;
    },
  };
}

/** Path globs: `~` means root's and every user's home; braces expand. */
export function compilePathGlob(pattern: string): CompiledGlob[] {
  const out: CompiledGlob[] = [];
  for (const expanded of expandBraces(pattern)) {
    const homes = expanded === '~' || expanded.startsWith('~/') ? ['/root', '/home/*'].map((home) => home + expanded.slice(1)) : [expanded];
    for (const path of homes) {
      const normal = path.length > 1 ? path.replace(/\/{2,}/g, '/').replace(/\/$/, '') : path;
      out.push(compileTokens(pattern, globToTokens(normal)));
    }
  }
  return out;
}

function compileFlag(flag: string): FlagSpec {
  if (flag.startsWith('--')) return { kind: 'long', text: flag };
  if (flag.length === 2 && flag[0] === '-') return { kind: 'short', text: flag[1] as string };
  return { kind: 'exact', text: flag };
}

function compilePaths(doc: NonNullable<MatchDocument['paths']>): PathMatcher {
  const globs = (list: readonly string[] | undefined): CompiledGlob[] | null => (list ? list.flatMap(compilePathGlob) : null);
  const except = globs(doc.except);
  // a glob wholly inside the exceptions can never fire: drop it once, here
  const any = globs(doc.any)?.filter((glob) => !except?.some((e) => covers(e, glob.tokens))) ?? null;
  return { any, except, within: globs(doc.within), lastOnly: doc.position === 'last' };
}

type Test = (view: LayerView, ctx: MatchContext) => Tri;

/** Builds one test per matcher field, cheapest first; the rule's answer is their conjunction. */
function compileRule(rule: RuleDocument, index: number): CompiledRule {
  const m = rule.match;
  const tests: Test[] = [];
  if (m.kind) {
    const kinds = new Set<string>(m.kind);
    tests.push((view) => (kinds.has(view.layer.kind) ? YES : NO));
  }
  if (m.host) {
    const hosts = new NameMatcher(m.host);
    tests.push((_view, ctx) => (ctx.host === undefined ? MAYBE : hosts.matches(ctx.host) ? YES : NO));
  }
  if (m.role) {
    const roles = new NameMatcher(m.role);
    tests.push((_view, ctx) => (ctx.role === undefined ? MAYBE : roles.matches(ctx.role) ? YES : NO));
  }
  if (m.stdin) {
    const kinds = new Set<string>(m.stdin);
    tests.push((view) => (kinds.has(view.layer.stdin.kind) ? YES : NO));
  }
  if (m.executes) {
    const kinds = new Set<string>(m.executes);
    tests.push((view) => (kinds.has(view.layer.exec.kind) ? YES : NO));
  }
  let envNames: NameMatcher | null = null;
  if (m.env) {
    const names = new NameMatcher(m.env);
    envNames = names;
    tests.push((view) => (view.layer.assignments.some((a) => names.matches(a.name)) ? YES : NO));
  }
  if (m.pipedFrom) {
    const names = new NameMatcher(m.pipedFrom);
    tests.push((view) => (view.layer.stdin.kind === 'pipe' && view.layer.stdin.from.some((p) => names.matches(p)) ? YES : NO));
  }
  if (m.lineHas) {
    const names = new NameMatcher(m.lineHas);
    tests.push((_view, ctx) => {
      for (const program of ctx.linePrograms) if (names.matches(program)) return YES;
      return NO;
    });
  }
  if (m.programPath) {
    const matcher = compilePaths(m.programPath);
    tests.push((view) => {
      const path = view.programPath();
      return path ? pathTest(matcher, [path]) : NO;
    });
  }
  let subcommandTest: ((view: LayerView) => SubcommandResult) | null = null;
  if (m.subcommand) {
    const subcommands = m.subcommand.map((s) => s.trim().split(/\s+/));
    subcommandTest = (view) => matchSubcommand(view, subcommands);
  }
  if (m.flags) {
    const any = m.flags.any?.map(compileFlag);
    const all = m.flags.all?.map(compileFlag);
    const none = m.flags.none?.map(compileFlag);
    tests.push((view) => {
      let result: Tri = YES;
      if (any) result = and(result, anyFlag(view, any));
      if (all) for (const flag of all) result = and(result, flagPresent(view, flag));
      if (none) result = and(result, not(anyFlag(view, none)));
      return result;
    });
  }
  if (m.options) {
    const options = m.options.map((o) => ({ names: o.name.map(compileFlag), value: o.value ? compileRegex(o.value) : null }));
    tests.push((view) => {
      let result: Tri = NO;
      for (const option of options) result = or(result, optionTest(view, option.names, option.value));
      return result;
    });
  }
  if (m.argv) {
    const patterns = m.argv.map(compileRegex);
    // expansions appear as written ($X): the regex decides on the text it sees
    tests.push((view) => {
      const text = view.argv();
      return patterns.some((p) => p.test(text)) ? YES : NO;
    });
  }
  if (m.paths) {
    const matcher = compilePaths(m.paths);
    tests.push((view) => pathTest(matcher, matcher.lastOnly ? view.lastOperandPath() : view.paths()));
  }
  if (m.code) {
    const patterns = m.code.map(compileRegex);
    tests.push((view) => {
      const exec = view.layer.exec;
      // shell code that was parsed is judged command by command, not by patterns
      if (exec.language === 'sh' && exec.text !== null) return NO;
      if (exec.text !== null) return patterns.some((p) => p.test(exec.text as string)) ? YES : NO;
      return exec.kind === 'code' || exec.kind === 'stdin' || exec.kind === 'filter' ? MAYBE : NO;
    });
  }
  const argsDoc = m.args;
  const argsTest = argsDoc ? compileArgs(argsDoc) : null;
  const programs = m.program ? new NameMatcher(m.program) : null;
  const test: Test = (view, ctx) => {
    let result: Tri = YES;
    for (const t of tests) {
      result = and(result, t(view, ctx));
      if (result === NO) return NO;
    }
    let operandStart = 0;
    if (subcommandTest) {
      const sub = subcommandTest(view);
      result = and(result, sub.result);
      if (result === NO) return NO;
      operandStart = sub.after;
    }
    if (argsTest) result = and(result, argsTest(view, operandStart));
    return result;
  };
  return {
    index,
    id: rule.id,
    description: rule.description,
    decision: rule.decision,
    reason: rule.reason,
    permissive: rule.decision === 'allow',
    programs,
    touches: rule.touches ? { paths: rule.touches.paths ?? [], containers: rule.touches.containers ?? [] } : null,
    test,
    operandStart: (view) => (subcommandTest ? subcommandTest(view).after : 0),
    detail: (view) => {
      if (!envNames) return null;
      const matched = view.layer.assignments.filter((a) => envNames.matches(a.name)).map((a) => a.name);
      return matched.length > 0 ? [...new Set(matched)].join(', ') : null;
    },
  };
}

function pathTest(matcher: PathMatcher, paths: readonly PathPattern[]): Tri {
  let result: Tri = YES;
  if (matcher.any) {
    let some: Tri = NO;
    for (const path of paths) {
      some = or(some, pathHits(path, matcher.any, matcher.except));
      if (some === YES) break;
    }
    result = and(result, some);
  } else if (matcher.except) {
    // only exceptions: fires for paths outside them
    let some: Tri = NO;
    for (const path of paths) some = or(some, not(pathWithin(path, matcher.except)));
    result = and(result, some);
  }
  if (matcher.within) {
    if (paths.length === 0) return NO;
    for (const path of paths) result = and(result, pathWithin(path, matcher.within));
  }
  return result;
}

function flagPresent(view: LayerView, flag: FlagSpec): Tri {
  const info = view.flags();
  let present = false;
  switch (flag.kind) {
    case 'short':
      present = info.short.has(flag.text);
      break;
    case 'exact':
      present = info.exact.has(flag.text);
      break;
    case 'long':
      // getopt_long takes unambiguous prefixes: `--recur` is `--recursive`
      present = info.long.some((written) => written === flag.text || (written.length >= 4 && flag.text.startsWith(written)));
      break;
  }
  if (present) return YES;
  return info.dynamic ? MAYBE : NO;
}

function anyFlag(view: LayerView, flags: readonly FlagSpec[]): Tri {
  let result: Tri = NO;
  for (const flag of flags) {
    result = or(result, flagPresent(view, flag));
    if (result === YES) return YES;
  }
  return result;
}

/** Values given to an option, in every spelling getopt accepts. */
function optionValues(view: LayerView, names: readonly FlagSpec[]): { values: Word[]; present: boolean } {
  const args = view.layer.args;
  const values: Word[] = [];
  let present = false;
  const take = (i: number): void => {
    const next = args[i + 1];
    if (next) values.push(next);
  };
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as Word;
    if (word.dynamic) continue;
    const value = word.value;
    if (value === '--') break;
    if (value.length < 2 || value[0] !== '-') continue;
    for (const name of names) {
      if (name.kind === 'long' || name.kind === 'exact') {
        const eq = value.indexOf('=');
        const written = eq < 0 ? value : value.slice(0, eq);
        const same = written === name.text || (name.kind === 'long' && written.startsWith('--') && written.length >= 4 && name.text.startsWith(written));
        if (!same) continue;
        present = true;
        if (eq >= 0) values.push(valueSlice(word, eq + 1));
        else take(i);
      } else if (!value.startsWith('--')) {
        const at = value.indexOf(name.text, 1);
        if (at < 0) continue;
        present = true;
        if (at + 1 < value.length) values.push(valueSlice(word, at + 1));
        else take(i);
      }
    }
  }
  return { values, present };
}

function valueSlice(word: Word, start: number): Word {
  const mask = word.mask.slice(start);
  return { text: word.text, value: word.value.slice(start), mask, dynamic: mask.includes('d') };
}

function optionTest(view: LayerView, names: readonly FlagSpec[], pattern: RegExp | null): Tri {
  const { values, present } = optionValues(view, names);
  const dynamicArgs = view.flags().dynamic;
  if (!pattern) return present ? YES : dynamicArgs ? MAYBE : NO;
  let result: Tri = NO;
  for (const value of values) {
    if (value.dynamic) result = or(result, MAYBE);
    else if (pattern.test(value.value)) return YES;
  }
  return dynamicArgs ? or(result, MAYBE) : result;
}

interface SubcommandResult {
  readonly result: Tri;
  /** Operand index after the matched subcommand words. */
  readonly after: number;
}

/**
 * Subcommand at the first operand (certain), or at a later one when every
 * operand before it may be the value of an option (possible only).
 */
function matchSubcommand(view: LayerView, subcommands: readonly (readonly string[])[]): SubcommandResult {
  const { words, afterOption } = view.operands();
  let best: SubcommandResult = { result: NO, after: 0 };
  for (let start = 0; start < words.length; start++) {
    if (start > 0 && !afterOption[start - 1] && !(words[start - 1] as Word).dynamic) break;
    for (const sub of subcommands) {
      let result: Tri = start === 0 ? YES : MAYBE;
      for (let k = 0; k < sub.length && result !== NO; k++) {
        const word = words[start + k];
        if (!word) result = NO;
        else if (word.dynamic) result = and(result, MAYBE);
        else if (word.value !== sub[k]) result = NO;
      }
      if (result > best.result) best = { result, after: start + sub.length };
      if (best.result === YES) return best;
    }
  }
  return best;
}

function compileArgs(doc: NonNullable<MatchDocument['args']>): (view: LayerView, operandStart: number) => Tri {
  const anyMatch = doc.anyMatch?.map(compileRegex);
  const noneMatch = doc.noneMatch?.map(compileRegex);
  const lastMatch = doc.lastMatch?.map(compileRegex);
  const someArg = (view: LayerView, patterns: readonly RegExp[]): Tri => {
    let result: Tri = NO;
    for (const word of view.layer.args) {
      if (word.dynamic) result = MAYBE;
      else if (patterns.some((p) => p.test(word.value))) return YES;
    }
    return result;
  };
  return (view, operandStart) => {
    let result: Tri = YES;
    if (doc.min !== undefined || doc.max !== undefined) {
      const operands = view.operands().words.slice(operandStart);
      const dynamic = operands.some((w) => w.dynamic);
      const known = operands.filter((w) => !w.dynamic).length;
      if (doc.min !== undefined) result = and(result, known >= doc.min ? YES : dynamic ? MAYBE : NO);
      if (doc.max !== undefined) result = and(result, known > doc.max ? NO : dynamic ? MAYBE : YES);
    }
    if (doc.dynamic !== undefined) {
      const dynamic = view.operands().words.slice(operandStart).some((w) => w.dynamic);
      result = and(result, dynamic === doc.dynamic ? YES : NO);
    }
    if (anyMatch) result = and(result, someArg(view, anyMatch));
    if (noneMatch) result = and(result, not(someArg(view, noneMatch)));
    if (lastMatch) {
      const operands = view.operands().words;
      const last = operands[operands.length - 1];
      result = and(result, !last ? NO : last.dynamic ? MAYBE : lastMatch.some((p) => p.test(last.value)) ? YES : NO);
    }
    return result;
  };
}

/** The checkpoint a fired rule asks for, from its `touches` and the layer's arguments. */
export function touchesOf(rule: CompiledRule, view: LayerView, out: { paths: Set<string>; containers: Set<string> }): void {
  const touches = rule.touches;
  if (!touches) return;
  const operands = view.operands().words;
  for (const entry of touches.paths) {
    if (entry === '$PATH_ARGS') {
      for (const path of view.paths()) if (path.literal !== null && path.certainty === 'exact') out.paths.add(path.literal);
    } else if (entry === '$LAST_ARG') {
      const last = operands.at(-1);
      const path = last && !last.dynamic ? wordToPath(last) : null;
      if (path?.literal) out.paths.add(path.literal);
    } else if (entry === '$ARGS') {
      for (const word of operands.slice(rule.operandStart(view))) {
        const path = word.dynamic ? null : wordToPath(word);
        if (path?.literal) out.paths.add(path.literal);
      }
    } else out.paths.add(entry);
  }
  for (const entry of touches.containers) {
    if (entry === '$ARGS') {
      for (const word of operands.slice(rule.operandStart(view))) if (!word.dynamic) out.containers.add(word.value);
    } else if (entry === '$LAST_ARG') {
      const last = operands.at(-1);
      if (last && !last.dynamic) out.containers.add(last.value);
    } else out.containers.add(entry);
  }
}
