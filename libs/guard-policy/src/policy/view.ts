import { literalPath, wordToPath, type PathPattern } from '../glob/paths.js';
import type { Layer } from '../shell/model.js';
import type { Word } from '../shell/words.js';

/** Options of one layer's arguments. */
export interface FlagInfo {
  /** Letters of short options, clusters split (`-rf` → r, f). */
  readonly short: ReadonlySet<string>;
  /** Long options without their value (`--force`, `--data` from `--data=x`). */
  readonly long: readonly string[];
  /** Every option word as written (`-exec`, `-rf`, `--force`). */
  readonly exact: ReadonlySet<string>;
  /** Some argument comes from an expansion and may start with `-`: any option may hide in it. */
  readonly dynamic: boolean;
}

export interface Operands {
  readonly words: readonly Word[];
  /** The operand directly follows an option word, so it might be that option's value. */
  readonly afterOption: readonly boolean[];
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/** What the policy's `programs:` section says about one program. */
export interface ProgramSyntax {
  /** Options that take a separate value. */
  readonly global: ReadonlySet<string>;
  /** More value-taking options after a given subcommand (`docker run`). */
  readonly bySubcommand: ReadonlyMap<string, ReadonlySet<string>>;
  /** The first operand is a pattern or program text, not a path, unless one of these options is given (grep, awk, sed). */
  readonly patternFirst: ReadonlySet<string> | null;
}

export const NO_SYNTAX: ProgramSyntax = { global: EMPTY_SET, bySubcommand: new Map(), patternFirst: null };

type ArgRole = 'option' | 'value' | 'operand' | 'pattern' | 'end';

/** Could this word be an option (`-x`)? Expansions at the start of a word could. */
function mayBeOption(word: Word): boolean {
  return word.value[0] === '-' || word.mask[0] === 'd';
}

/**
 * Lazily computed views of a layer's arguments, shared by every rule that
 * looks at the layer.
 */
export class LayerView {
  private roles: ArgRole[] | null = null;
  private flagInfo: FlagInfo | null = null;
  private operandInfo: Operands | null = null;
  private pathList: readonly PathPattern[] | null = null;
  private argvText: string | null = null;
  private programPathPattern: PathPattern | null | undefined;

  constructor(
    readonly layer: Layer,
    private readonly syntax: ProgramSyntax = NO_SYNTAX,
  ) {}

  /** Classifies every argument once: option, value of an option, operand, pattern, or `--`. */
  private argRoles(): ArgRole[] {
    if (this.roles) return this.roles;
    const args = this.layer.args;
    const roles: ArgRole[] = new Array<ArgRole>(args.length);
    let valueOptions = this.syntax.global;
    let ended = false;
    let operands = 0;
    for (let i = 0; i < args.length; i++) {
      const word = args[i] as Word;
      const value = word.value;
      if (!ended && !word.dynamic && value === '--') {
        roles[i] = 'end';
        ended = true;
        continue;
      }
      if (!ended && !word.dynamic && value.length > 1 && value[0] === '-') {
        roles[i] = 'option';
        const name = value.startsWith('--') ? (value.split('=', 1)[0] ?? value) : value.length === 2 ? value : `-${value[value.length - 1]}`;
        if (!value.includes('=') && valueOptions.has(name) && i + 1 < args.length) roles[++i] = 'value';
        continue;
      }
      if (operands === 0 && !word.dynamic) {
        const extra = this.syntax.bySubcommand.get(value);
        if (extra) valueOptions = new Set([...valueOptions, ...extra]);
      }
      roles[i] = 'operand';
      operands++;
    }
    const patternFirst = this.syntax.patternFirst;
    if (patternFirst) {
      const given = args.some((w, i) => roles[i] === 'option' && patternFirst.has(w.value.startsWith('--') ? (w.value.split('=', 1)[0] ?? '') : w.value));
      const first = roles.indexOf('operand');
      if (!given && first >= 0) roles[first] = 'pattern';
    }
    this.roles = roles;
    return roles;
  }

  flags(): FlagInfo {
    if (this.flagInfo) return this.flagInfo;
    const short = new Set<string>();
    const long: string[] = [];
    const exact = new Set<string>();
    let dynamic = false;
    const args = this.layer.args;
    let ended = false;
    for (let i = 0; i < args.length; i++) {
      const word = args[i] as Word;
      if (word.dynamic) {
        if (!ended && mayBeOption(word)) dynamic = true;
        continue;
      }
      const value = word.value;
      if (value === '--') ended = true;
      if (ended || value.length < 2 || (value[0] !== '-' && value[0] !== '+')) continue;
      exact.add(value);
      if (value[0] === '+') continue;
      if (value.startsWith('--')) {
        const eq = value.indexOf('=');
        long.push(eq < 0 ? value : value.slice(0, eq));
        continue;
      }
      if (/^-\d+$/.test(value)) continue;
      for (let k = 1; k < value.length; k++) short.add(value[k] as string);
    }
    this.flagInfo = { short, long, exact, dynamic };
    return this.flagInfo;
  }

  /** Operands: non-option words (patterns included), without the values of known value-taking options. */
  operands(): Operands {
    if (this.operandInfo) return this.operandInfo;
    const roles = this.argRoles();
    const words: Word[] = [];
    const afterOption: boolean[] = [];
    const args = this.layer.args;
    for (let i = 0; i < args.length; i++) {
      const role = roles[i];
      if (role !== 'operand' && role !== 'pattern') continue;
      words.push(args[i] as Word);
      const previous = args[i - 1];
      afterOption.push(roles[i - 1] === 'option' && previous !== undefined && !previous.value.includes('='));
    }
    this.operandInfo = { words, afterOption };
    return this.operandInfo;
  }

  /**
   * Path candidates: operands (and values of options not declared in
   * `programs:`), `key=/path` values, `--opt=/path` values. Patterns
   * (grep's, awk's program) and values of declared options are left out.
   */
  paths(): readonly PathPattern[] {
    if (this.pathList) return this.pathList;
    const roles = this.argRoles();
    const paths: PathPattern[] = [];
    const args = this.layer.args;
    for (let i = 0; i < args.length; i++) {
      const role = roles[i];
      if (role === 'end' || role === 'pattern' || role === 'value') continue;
      const override = this.layer.argPaths.get(i);
      if (override) {
        paths.push(override);
        continue;
      }
      const word = args[i] as Word;
      const value = word.value;
      if (role === 'option') {
        const eq = value.indexOf('=');
        if (eq > 0) pushValuePath(paths, word, eq + 1);
        continue;
      }
      const path = wordToPath(word);
      if (path) paths.push(path);
      const eq = value.indexOf('=');
      if (eq > 0 && !word.dynamic) pushValuePath(paths, word, eq + 1);
    }
    this.pathList = paths;
    return paths;
  }

  /** The path of the last operand (a cp/mv/ln destination), if it is one. */
  lastOperandPath(): readonly PathPattern[] {
    const roles = this.argRoles();
    const args = this.layer.args;
    for (let i = args.length - 1; i >= 0; i--) {
      if (roles[i] !== 'operand') continue;
      const override = this.layer.argPaths.get(i);
      if (override) return [override];
      const path = wordToPath(args[i] as Word);
      return path ? [path] : [];
    }
    return [];
  }

  programPath(): PathPattern | null {
    if (this.programPathPattern === undefined) {
      this.programPathPattern = this.layer.programPath === null ? null : literalPath(this.layer.programPath);
    }
    return this.programPathPattern;
  }

  /** `program arg1 arg2…` with quote removal (expansions as written). */
  argv(): string {
    if (this.argvText === null) {
      let text = this.layer.program ?? this.layer.programWord?.text ?? '';
      for (const word of this.layer.args) text += ` ${word.dynamic ? word.text : word.value}`;
      this.argvText = text;
    }
    return this.argvText;
  }
}

/** `of=/dev/sda`, `--file=/etc/shadow`: the value is a path when it looks like one. */
function pushValuePath(paths: PathPattern[], word: Word, start: number): void {
  const first = word.value[start];
  if (first !== '/' && first !== '~' && first !== '.') return;
  const mask = word.mask.slice(start);
  const path = wordToPath({ text: word.text, value: word.value.slice(start), mask, dynamic: mask.includes('d') });
  if (path) paths.push(path);
}
