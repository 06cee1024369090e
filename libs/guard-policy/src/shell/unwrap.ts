import { globToTokens, simplify } from '../glob/glob.js';
import { ANYWHERE, below, wordToPath, type PathPattern } from '../glob/paths.js';
import { NO_STDIN, type Assignment, type DecisionKind, type Layer, type Stdin } from './model.js';
import { DYN, literalWord, unknownWord, type Word } from './words.js';

export interface SpawnOptions {
  readonly assignments?: readonly Assignment[];
  readonly stdin?: Stdin;
  readonly argPaths?: ReadonlyMap<number, PathPattern>;
  /** Decision when parsed code does not parse (default deny). */
  readonly unparsable?: DecisionKind;
}

/** How wrappers hand inner commands back to the extractor. */
export interface Spawner {
  /** An inner command given as words (`sudo rm x`). */
  argv(parent: Layer, words: readonly Word[], label: string, options?: SpawnOptions): void;
  /** Inner shell code given as text (`sh -c '…'`, `eval …`): parsed and judged. */
  code(parent: Layer, text: string, label: string, options?: SpawnOptions): void;
  /** A file the wrapper itself writes (`strace -o FILE`). */
  write(parent: Layer, target: Word, label: string): void;
  note(layer: Layer | null, id: string, decision: DecisionKind, reason: string): void;
}

type Handler = (layer: Layer, spawn: Spawner) => void;

// ---- option scanning ----------------------------------------------------------

interface ScanSpec {
  /** Options that take a value (`-u USER`, `-uUSER`, `--user USER`, `--user=USER`). */
  readonly values?: readonly string[];
  /** Options whose value, if any, must be attached (`-i.bak`, `-MModule`). */
  readonly attached?: readonly string[];
  /** After one of these (and its value) option parsing ends (`python -c CODE args…`). */
  readonly terminators?: readonly string[];
  /** `NAME=VALUE` words before the command are assignments (env, sudo). */
  readonly assignments?: boolean;
  /** `+o`-style options (shells). */
  readonly plus?: boolean;
  /** A lone `-` is an option (`su -`). */
  readonly dash?: boolean;
}

interface Scan {
  /** Index of the first word that is not an option. */
  index: number;
  readonly flags: Set<string>;
  readonly values: Map<string, Word[]>;
  readonly assignments: Assignment[];
}

function sliceWord(word: Word, start: number): Word {
  const mask = word.mask.slice(start);
  return { text: word.text, value: word.value.slice(start), mask, dynamic: mask.includes('d') };
}

function addValue(scan: Scan, option: string, value: Word): void {
  const list = scan.values.get(option);
  if (list) list.push(value);
  else scan.values.set(option, [value]);
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** getopt-style scan of leading options; stops at the first operand or `--`. */
function scan(args: readonly Word[], spec: ScanSpec, from = 0): Scan {
  const result: Scan = { index: args.length, flags: new Set(), values: new Map(), assignments: [] };
  const values = new Set(spec.values ?? []);
  const attached = new Set(spec.attached ?? []);
  const terminators = new Set(spec.terminators ?? []);
  for (let i = from; i < args.length; i++) {
    const word = args[i] as Word;
    const value = word.value;
    // a word from an expansion could be anything: treat it as the command
    if (word.dynamic) return { ...result, index: i };
    if (value === '--') return { ...result, index: i + 1 };
    if (value === '-' && spec.dash) {
      result.flags.add('-');
      continue;
    }
    if (value.startsWith('--') && value.length > 2) {
      const eq = value.indexOf('=');
      const name = eq < 0 ? value : value.slice(0, eq);
      result.flags.add(name);
      if (eq >= 0) addValue(result, name, sliceWord(word, eq + 1));
      else if (values.has(name) && i + 1 < args.length) addValue(result, name, args[++i] as Word);
      if (terminators.has(name)) return { ...result, index: i + 1 };
      continue;
    }
    const plus = spec.plus && value.startsWith('+') && value.length > 1;
    if ((value.startsWith('-') && value.length > 1) || plus) {
      const sign = value[0] as string;
      if (/^-\d+$/.test(value)) {
        result.flags.add(value);
        continue;
      }
      let terminated = false;
      for (let k = 1; k < value.length; k++) {
        const option = `${sign}${value[k]}`;
        result.flags.add(option);
        if (values.has(option)) {
          if (k + 1 < value.length) addValue(result, option, sliceWord(word, k + 1));
          else if (i + 1 < args.length) addValue(result, option, args[++i] as Word);
          terminated = terminators.has(option);
          break;
        }
        if (attached.has(option)) {
          if (k + 1 < value.length) addValue(result, option, sliceWord(word, k + 1));
          break;
        }
        if (terminators.has(option)) terminated = true;
      }
      if (terminated) return { ...result, index: i + 1 };
      continue;
    }
    if (spec.assignments && ASSIGNMENT.test(value)) {
      const eq = value.indexOf('=');
      result.assignments.push({ name: value.slice(0, eq), value: sliceWord(word, eq + 1) });
      continue;
    }
    return { ...result, index: i };
  }
  return result;
}

function firstValue(scan: Scan, ...options: string[]): Word | undefined {
  for (const option of options) {
    const value = scan.values.get(option)?.[0];
    if (value) return value;
  }
  return undefined;
}

function hasFlag(scan: Scan, ...flags: string[]): boolean {
  return flags.some((flag) => scan.flags.has(flag));
}

function joinWords(words: readonly Word[]): { text: string; dynamic: boolean } {
  return { text: words.map((w) => w.value).join(' '), dynamic: words.some((w) => w.dynamic) };
}

function wrap(layer: Layer, label: string): void {
  layer.transparent = true;
  layer.exec = { kind: 'wrapper', language: null, text: null, label };
}

/** Parses code handed to a shell (or dies trying): dynamic code is refused. */
function runCode(layer: Layer, spawn: Spawner, code: Word | { text: string; dynamic: boolean }, label: string, dynamicDecision: DecisionKind = 'deny'): void {
  const dynamic = code.dynamic;
  const text = 'value' in code ? code.value : code.text;
  if (dynamic) {
    layer.exec = { kind: 'code', language: 'sh', text: null, label };
    spawn.note(layer, 'guard:dynamic-code', dynamicDecision, `the code run by ${label} is built from an expansion or substitution, so it cannot be judged before it runs`);
    return;
  }
  wrap(layer, label);
  layer.exec = { kind: 'code', language: 'sh', text, label };
  spawn.code(layer, text, label, { unparsable: dynamicDecision === 'deny' ? 'deny' : dynamicDecision });
}

// ---- generic argv wrappers ------------------------------------------------------

interface ArgvWrapper extends ScanSpec {
  /** Operands before the command (timeout's DURATION, chroot's NEWROOT, flock's FILE…). */
  readonly leading?: number;
  /** Options after which nothing runs (`sudo -l`, `command -v`, `ionice -p`). */
  readonly noCommand?: readonly string[];
  /** Options whose value is shell code (`su -c`, `flock -c`, `script -c`). */
  readonly codeOptions?: readonly string[];
  /** Options whose value is NAME=VALUE for the inner command's environment. */
  readonly envOptions?: readonly string[];
  /** Options naming a file the wrapper writes. */
  readonly writeOptions?: readonly string[];
  /** Without a command: an interactive shell (sudo -s, su, chroot). */
  readonly interactiveWhenEmpty?: boolean;
  /** The wrapper itself matters (chroot, nsenter, systemd-run): keep it judged. */
  readonly opaque?: boolean;
}

function argvWrapper(name: string, spec: ArgvWrapper): Handler {
  return (layer, spawn) => {
    const result = scan(layer.args, spec);
    for (const option of spec.writeOptions ?? []) for (const target of result.values.get(option) ?? []) spawn.write(layer, target, `${name} ${option}`);
    layer.assignments.push(...result.assignments);
    for (const option of spec.envOptions ?? []) {
      for (const value of result.values.get(option) ?? []) {
        const eq = value.value.indexOf('=');
        layer.assignments.push({ name: eq < 0 ? value.value : value.value.slice(0, eq), value: sliceWord(value, eq + 1) });
      }
    }
    if (spec.noCommand && hasFlag(result, ...spec.noCommand)) return;
    for (const option of spec.codeOptions ?? []) {
      const code = firstValue(result, option);
      if (code) {
        runCode(layer, spawn, code, `${name} ${option}`);
        if (spec.opaque) layer.transparent = false;
        return;
      }
    }
    const start = result.index + (spec.leading ?? 0);
    if (start >= layer.args.length) {
      if (spec.interactiveWhenEmpty) layer.exec = { kind: 'interactive', language: 'sh', text: null, label: name };
      return;
    }
    wrap(layer, name);
    if (spec.opaque) layer.transparent = false;
    spawn.argv(layer, layer.args.slice(start), name);
  };
}

// ---- interpreters -------------------------------------------------------------------

interface InterpreterSpec extends ScanSpec {
  readonly language: string;
  /** Options whose value is program text. */
  readonly codeOptions: readonly string[];
  /** Options naming a module/library loaded first (text added for rule matching). */
  readonly moduleOptions?: readonly string[];
  /** Options naming a script or module to run. */
  readonly scriptOptions?: readonly string[];
  readonly interactiveFlags?: readonly string[];
}

/** `--version`, `--help`: prints and exits, runs nothing. */
const INFO_FLAGS = ['--version', '-V', '--help', '-h'];

function interpreter(spec: InterpreterSpec): Handler {
  const scanSpec: ScanSpec = { ...spec, values: [...new Set([...(spec.values ?? []), ...spec.codeOptions, ...(spec.scriptOptions ?? [])])] };
  return (layer, spawn) => {
    const result = scan(layer.args, scanSpec);
    const modules = (spec.moduleOptions ?? []).flatMap((o) => result.values.get(o) ?? []);
    const code = spec.codeOptions.flatMap((o) => result.values.get(o) ?? []);
    const label = layer.program ?? spec.language;
    if (code.length > 0) {
      const pieces = [...modules.map((m) => `use ${m.value};`), ...code.map((c) => c.value)];
      const dynamic = code.some((c) => c.dynamic) || modules.some((m) => m.dynamic);
      layer.exec = { kind: 'code', language: spec.language, text: dynamic ? null : pieces.join('\n'), label };
      if (dynamic) spawn.note(layer, 'guard:dynamic-code', 'deny', `the ${spec.language} code run by ${label} is built from an expansion or substitution, so it cannot be judged before it runs`);
      return;
    }
    if (layer.args.length > 0 && result.index === layer.args.length && hasFlag(result, ...INFO_FLAGS)) return;
    const script = (spec.scriptOptions ?? []).flatMap((o) => result.values.get(o) ?? [])[0] ?? layer.args[result.index];
    if (script && !readsStdinPath(script)) {
      layer.exec = { kind: 'script', language: spec.language, text: null, label };
      return;
    }
    readsStdin(layer, spec.language, label, hasFlag(result, ...(spec.interactiveFlags ?? [])));
  };
}

/** `-`, `/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`: a script path that is stdin. */
function readsStdinPath(word: Word): boolean {
  return !word.dynamic && /^(-|\/+dev\/+stdin|\/+dev\/+fd\/+0|\/+proc\/+self\/+fd\/+0)$/.test(word.value);
}

/** An interpreter without a program argument reads it from stdin (or is interactive). */
function readsStdin(layer: Layer, language: string, label: string, interactive: boolean): void {
  if (interactive || layer.stdin.kind === 'none') {
    layer.exec = { kind: 'interactive', language, text: null, label };
    return;
  }
  layer.exec = { kind: 'stdin', language, text: layer.stdin.text, label };
}

const SHELL_SPEC: ScanSpec = { values: ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'], plus: true };

/** sh/bash/dash/zsh/ksh…: `-c` code is parsed and judged; stdin code only when static. */
function shell(layer: Layer, spawn: Spawner): void {
  const name = layer.program ?? 'sh';
  const result = scan(layer.args, SHELL_SPEC);
  const operands = layer.args.slice(result.index);
  if (layer.args.length > 0 && operands.length === 0 && hasFlag(result, '--version', '--help')) return;
  if (result.flags.has('-c')) {
    const code = operands[0];
    if (code) runCode(layer, spawn, code, `${name} -c`);
    return;
  }
  if (operands.length > 0 && !result.flags.has('-s') && !readsStdinPath(operands[0] as Word)) {
    layer.exec = { kind: 'script', language: 'sh', text: null, label: name };
    return;
  }
  readsStdin(layer, 'sh', name, result.flags.has('-i'));
  parseStdinCode(layer, spawn, name);
}

/** Shell code fed by a here-document or here-string is parsed and judged too. */
function parseStdinCode(layer: Layer, spawn: Spawner, name: string): void {
  const { stdin } = layer;
  if (layer.exec.kind !== 'stdin') return;
  if (stdin.kind === 'heredoc' || stdin.kind === 'herestring') {
    if (stdin.text === null) {
      spawn.note(layer, 'guard:dynamic-code', 'deny', `the code ${name} reads from stdin is built from an expansion or substitution`);
    } else spawn.code(layer, stdin.text, `${name} <<`, { stdin: NO_STDIN });
  }
}

/** `at`, `batch`: shell code from stdin (or -f FILE). */
function scheduler(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, { values: ['-f', '-q', '-t'] });
  if (hasFlag(result, '-l', '-d', '-r', '-c')) return;
  if (result.values.has('-f')) {
    layer.exec = { kind: 'script', language: 'sh', text: null, label: layer.program };
    return;
  }
  readsStdin(layer, 'sh', layer.program ?? 'at', false);
  if (layer.exec.kind === 'interactive') layer.exec = { kind: 'stdin', language: 'sh', text: null, label: layer.program };
  parseStdinCode(layer, spawn, layer.program ?? 'at');
}

/** awk: the program text is checked by rules, but awk is an ordinary tool (no floor). */
function awk(layer: Layer): void {
  const result = scan(layer.args, {
    values: ['-F', '-v', '-f', '--file', '--field-separator', '--assign', '-i', '--include', '-l', '--load', '-e', '--source', '-E', '--exec'],
  });
  const files = [...(result.values.get('-f') ?? []), ...(result.values.get('--file') ?? []), ...(result.values.get('-E') ?? []), ...(result.values.get('--exec') ?? [])];
  const sources = [...(result.values.get('-e') ?? []), ...(result.values.get('--source') ?? [])];
  if (files.length > 0) {
    layer.exec = { kind: 'script', language: 'awk', text: null, label: layer.program };
    return;
  }
  const program = sources.length > 0 ? sources : layer.args.slice(result.index, result.index + 1);
  const dynamic = program.some((w) => w.dynamic);
  layer.exec = { kind: 'filter', language: 'awk', text: dynamic ? null : program.map((w) => w.value).join('\n'), label: layer.program };
}

/** sed: scripts may run commands (`e`, `s///e`) or write files (`w`): rules check the text. */
function sed(layer: Layer): void {
  const result = scan(layer.args, { values: ['-e', '--expression', '-f', '--file', '-l', '--line-length'], attached: ['-i'] });
  if (result.values.has('-f') || result.values.has('--file')) {
    layer.exec = { kind: 'script', language: 'sed', text: null, label: 'sed' };
    return;
  }
  const expressions = [...(result.values.get('-e') ?? []), ...(result.values.get('--expression') ?? [])];
  const program = expressions.length > 0 ? expressions : layer.args.slice(result.index, result.index + 1);
  const dynamic = program.some((w) => w.dynamic);
  layer.exec = { kind: 'filter', language: 'sed', text: dynamic ? null : program.map((w) => w.value).join('\n'), label: 'sed' };
}

/** PowerShell options are case-insensitive and single-dash long. */
function powershell(layer: Layer): void {
  const args = layer.args;
  for (let i = 0; i < args.length; i++) {
    const option = (args[i] as Word).value.toLowerCase();
    if (/^-(c|command|e|ec|enc|encodedcommand)$/.test(option)) {
      const code = args.slice(i + 1);
      const dynamic = code.some((w) => w.dynamic);
      const prefix = option.startsWith('-e') ? 'EncodedCommand ' : '';
      layer.exec = { kind: 'code', language: 'powershell', text: dynamic ? null : prefix + code.map((w) => w.value).join(' '), label: layer.program };
      return;
    }
    if (/^-(f|file)$/.test(option)) {
      layer.exec = { kind: 'script', language: 'powershell', text: null, label: layer.program };
      return;
    }
  }
  readsStdin(layer, 'powershell', layer.program ?? 'pwsh', false);
}

// ---- special wrappers -------------------------------------------------------------

function sudo(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, {
    values: ['-u', '--user', '-g', '--group', '-h', '--host', '-p', '--prompt', '-C', '--close-from', '-D', '--chdir', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout'],
    assignments: true,
  });
  layer.assignments.push(...result.assignments);
  const rest = layer.args.slice(result.index);
  if (hasFlag(result, '-e', '--edit')) {
    wrap(layer, 'sudo -e');
    spawn.argv(layer, [literalWord('sudoedit'), ...rest], 'sudo -e');
    return;
  }
  if (rest.length === 0) {
    if (hasFlag(result, '-i', '--login', '-s', '--shell')) layer.exec = { kind: 'interactive', language: 'sh', text: null, label: 'sudo' };
    return;
  }
  if (hasFlag(result, '-l', '--list')) return;
  wrap(layer, 'sudo');
  spawn.argv(layer, rest, 'sudo');
}

function env(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, {
    values: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string', '-P'],
    assignments: true,
  });
  layer.assignments.push(...result.assignments);
  const rest = layer.args.slice(result.index);
  const split = firstValue(result, '-S', '--split-string');
  if (split) {
    // `env -S 'cmd args'` splits a string into words: judge it as shell code
    const quoted = rest.map((w) => (w.dynamic ? w.text : `'${w.value.replaceAll("'", `'\\''`)}'`));
    runCode(layer, spawn, { text: [split.value, ...quoted].join(' '), dynamic: split.dynamic || rest.some((w) => w.dynamic) }, 'env -S');
    return;
  }
  if (rest.length === 0) return;
  wrap(layer, 'env');
  spawn.argv(layer, rest, 'env');
}

function xargs(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, {
    values: ['-a', '--arg-file', '-d', '--delimiter', '-E', '-I', '-L', '--max-lines', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars', '--process-slot-var'],
    attached: ['-e', '-i', '-l'],
  });
  const replace = firstValue(result, '-I', '-i', '--replace')?.value ?? (hasFlag(result, '-i', '--replace') ? '{}' : null);
  const inner = result.index < layer.args.length ? layer.args.slice(result.index) : [literalWord('echo')];
  const input = inputPaths(layer.stdin);
  const argPaths = new Map<number, PathPattern>();
  let words: Word[];
  if (replace) {
    words = inner.map((word, k) => {
      if (k > 0 && word.value === replace && !word.dynamic) argPaths.set(k - 1, input);
      return replaceInWord(word, replace);
    });
  } else {
    words = [...inner, unknownWord('{stdin}')];
    argPaths.set(words.length - 2, input);
  }
  wrap(layer, 'xargs');
  spawn.argv(layer, words, 'xargs', { argPaths, stdin: NO_STDIN });
}

/** What arrives on stdin as arguments: below find's start paths, or anything. */
function inputPaths(stdin: Stdin): PathPattern {
  const starts = stdin.findStarts;
  if (!starts || starts.length === 0) return ANYWHERE;
  const uncertain = starts.some((s) => s.certainty === 'uncertain');
  return { display: '{stdin}', alts: starts.flatMap((s) => s.alts), literal: null, certainty: uncertain ? 'uncertain' : 'glob' };
}

/** Replaces every occurrence of `needle` in a word by unknown text. */
function replaceInWord(word: Word, needle: string): Word {
  if (!needle || !word.value.includes(needle)) return word;
  let value = '';
  let mask = '';
  let i = 0;
  while (i < word.value.length) {
    if (word.value.startsWith(needle, i)) {
      value += DYN;
      mask += 'd';
      i += needle.length;
    } else {
      value += word.value[i];
      mask += word.mask[i];
      i++;
    }
  }
  return { text: word.text, value, mask, dynamic: true };
}

/**
 * What `find` prints: paths below its start points, narrowed by a single
 * `-name GLOB` test when the expression has no `-o`/`!` (which could widen it).
 */
export function findOutputPath(args: readonly Word[]): PathPattern {
  const starts = findStartPaths(args);
  let names: string[] = [];
  let complex = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as Word;
    const value = word.value;
    if (value === '-exec' || value === '-execdir' || value === '-ok' || value === '-okdir') break;
    if (value === '-o' || value === '-or' || value === '!' || value === '-not' || value === ',' || word.dynamic) complex = true;
    if (value === '-name' && args[i + 1] && !(args[i + 1] as Word).dynamic) names.push((args[i + 1] as Word).value);
  }
  if (complex || names.length !== 1) names = [];
  const nameTokens = names.length === 1 ? globToTokens(names[0] as string) : [];
  const alts = starts.flatMap((start) =>
    below(start, '{}').alts.map((alt) => (nameTokens.length > 0 ? simplify([...alt, ...nameTokens]) : alt)),
  );
  return { display: '{}', alts, literal: null, certainty: starts.some((s) => s.certainty === 'uncertain') ? 'uncertain' : 'glob' };
}

function find(layer: Layer, spawn: Spawner): void {
  const args = layer.args;
  const foundPath = findOutputPath(args);
  for (let i = 0; i < args.length; i++) {
    const option = (args[i] as Word).value;
    if (option !== '-exec' && option !== '-execdir' && option !== '-ok' && option !== '-okdir') continue;
    const words: Word[] = [];
    const argPaths = new Map<number, PathPattern>();
    let j = i + 1;
    for (; j < args.length; j++) {
      const word = args[j] as Word;
      if (word.value === ';' || (word.value === '+' && (args[j - 1] as Word).value === '{}' && words.length > 1)) break;
      if (word.value === '{}' && words.length > 0) argPaths.set(words.length - 1, foundPath);
      words.push(word.value === '{}' ? foundWord(args) : replaceInWord(word, '{}'));
    }
    if (words.length > 0) {
      layer.exec = { kind: 'wrapper', language: null, text: null, label: `find ${option}` };
      spawn.argv(layer, words, `find ${option}`, { argPaths, stdin: NO_STDIN });
    }
    i = j;
  }
}

/** What find puts for `{}`: a path below the first start point (so never an option). */
function foundWord(args: readonly Word[]): Word {
  const start = args[0];
  if (!start || start.dynamic || start.value.startsWith('-')) return { text: '{}', value: `./${DYN}`, mask: 'qqd', dynamic: true };
  const prefix = start.value.endsWith('/') ? start.value : `${start.value}/`;
  return { text: '{}', value: prefix + DYN, mask: 'q'.repeat(prefix.length) + 'd', dynamic: true };
}

function evalBuiltin(layer: Layer, spawn: Spawner): void {
  if (layer.args.length === 0) return;
  runCode(layer, spawn, joinWords(layer.args), 'eval');
}

function watch(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, { values: ['-n', '--interval', '-q', '--equexit'], attached: ['-d'] });
  const rest = layer.args.slice(result.index);
  if (rest.length === 0) return;
  if (hasFlag(result, '-x', '--exec')) {
    wrap(layer, 'watch -x');
    spawn.argv(layer, rest, 'watch -x');
    return;
  }
  runCode(layer, spawn, joinWords(rest), 'watch');
}

/** su / runuser: `-c CODE`, or (runuser -u USER) a command, or an interactive shell. */
function su(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, {
    values: ['-c', '--command', '--session-command', '-s', '--shell', '-g', '--group', '-G', '--supp-group', '-w', '--whitelist-environment', '-u', '--user'],
    dash: true,
  });
  const name = layer.program ?? 'su';
  const code = firstValue(result, '-c', '--command', '--session-command');
  if (code) {
    runCode(layer, spawn, code, `${name} -c`);
    return;
  }
  const rest = layer.args.slice(result.index);
  if (name === 'runuser' && hasFlag(result, '-u', '--user') && rest.length > 0) {
    wrap(layer, 'runuser -u');
    spawn.argv(layer, rest, 'runuser -u');
    return;
  }
  // after the user name, su passes remaining words to the shell; `su user -c x` puts -c late
  const late = scan(layer.args, { values: ['-c', '--command'] }, result.index + 1);
  const lateCode = firstValue(late, '-c', '--command');
  if (lateCode) {
    runCode(layer, spawn, lateCode, `${name} -c`);
    return;
  }
  layer.exec = { kind: 'interactive', language: 'sh', text: null, label: name };
}

/** `sg GROUP -c CODE` or `sg GROUP CMD…` (run through /bin/sh). */
function sg(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, { values: ['-c'] }, 1);
  const code = firstValue(result, '-c');
  if (code) {
    runCode(layer, spawn, code, 'sg -c');
    return;
  }
  const rest = layer.args.slice(Math.max(1, result.index));
  if (rest.length === 0) layer.exec = { kind: 'interactive', language: 'sh', text: null, label: 'sg' };
  else runCode(layer, spawn, joinWords(rest), 'sg');
}

/** flock [opts] FILE CMD… | flock [opts] FILE -c CODE | flock [opts] FD. */
function flock(layer: Layer, spawn: Spawner): void {
  const spec: ScanSpec = { values: ['-w', '--timeout', '-E', '--conflict-exit-code', '-c', '--command'] };
  const result = scan(layer.args, spec);
  let code = firstValue(result, '-c', '--command');
  const afterFile = scan(layer.args, spec, result.index + 1);
  code ??= firstValue(afterFile, '-c', '--command');
  if (code) {
    runCode(layer, spawn, code, 'flock -c');
    return;
  }
  const rest = layer.args.slice(afterFile.index);
  if (rest.length === 0) return;
  wrap(layer, 'flock');
  spawn.argv(layer, rest, 'flock');
}

const PARALLEL_SEPARATORS = new Set([':::', '::::', ':::+', '::::+']);

/** GNU parallel: the template (or each input, without one) runs through the shell. */
function parallel(layer: Layer, spawn: Spawner): void {
  const args = layer.args;
  const separator = args.findIndex((w) => PARALLEL_SEPARATORS.has(w.value));
  const head = separator < 0 ? args : args.slice(0, separator);
  const inputs = separator < 0 ? [] : args.slice(separator + 1).filter((w) => !PARALLEL_SEPARATORS.has(w.value));
  const result = scan(head, {
    values: ['-j', '--jobs', '-N', '--max-args', '-n', '-S', '--sshlogin', '--halt', '-a', '--arg-file', '--delay', '--timeout', '--joblog', '--results', '--tmpdir', '-I', '--colsep', '-d', '--delimiter', '--retries', '--sshloginfile', '--memfree', '--load', '-E', '--env'],
  });
  const template = head.slice(result.index);
  if (template.length === 0) {
    if (separator < 0) {
      layer.exec = { kind: 'stdin', language: 'sh', text: null, label: 'parallel' };
      spawn.note(layer, 'guard:dynamic-program', 'deny', 'parallel runs commands read from stdin, which cannot be judged before they run');
      return;
    }
    wrap(layer, 'parallel');
    for (const input of inputs) runCode(layer, spawn, input, 'parallel');
    return;
  }
  // each input replaces the placeholders (or is appended); unknown inputs become an expansion
  const placeholder = /\{(\d+|\.|\/|\/\/|\/\.|#|%)?\}/g;
  const text = template.map((w) => w.value).join(' ');
  const hasPlaceholder = new RegExp(placeholder.source).test(text);
  const dynamic = template.some((w) => w.dynamic);
  const known = inputs.length > 0 && inputs.every((w) => !w.dynamic);
  const values = known ? inputs.map((w) => `'${w.value.replaceAll("'", `'\\''`)}'`) : ['"$PARALLEL_ARG"'];
  wrap(layer, 'parallel');
  for (const value of values) {
    const code = hasPlaceholder ? text.replace(placeholder, value) : `${text} ${value}`;
    runCode(layer, spawn, { text: code, dynamic }, 'parallel');
  }
}

/** ssh [opts] DEST [CMD…]: the remote command is judged too (as shell code). */
function ssh(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, {
    values: ['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B'],
  });
  const rest = layer.args.slice(result.index + 1);
  if (result.index >= layer.args.length) return;
  if (rest.length === 0) {
    layer.exec = { kind: 'interactive', language: 'sh', text: null, label: 'ssh' };
    return;
  }
  runCode(layer, spawn, joinWords(rest), 'ssh (remote)', 'approval');
  layer.transparent = false;
}

/** docker exec: judge the command run inside the container too. */
function docker(layer: Layer, spawn: Spawner): void {
  const args = layer.args;
  const at = args[0]?.value === 'exec' ? 1 : args[0]?.value === 'container' && args[1]?.value === 'exec' ? 2 : -1;
  if (at < 0) return;
  const result = scan(args, { values: ['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys'] }, at);
  const rest = args.slice(result.index + 1);
  if (rest.length === 0) return;
  layer.exec = { kind: 'wrapper', language: null, text: null, label: 'docker exec' };
  spawn.argv(layer, rest, 'docker exec', { stdin: layer.stdin });
}

function busybox(layer: Layer, spawn: Spawner): void {
  const first = layer.args[0];
  if (!first || (!first.dynamic && first.value.startsWith('-'))) return;
  const label = layer.program ?? 'busybox';
  wrap(layer, label);
  spawn.argv(layer, layer.args, label);
}

/** `trap 'code' SIGNALS`: the code runs later, judge it now. */
function trap(layer: Layer, spawn: Spawner): void {
  const first = layer.args[0];
  if (!first || first.value === '-' || (!first.dynamic && first.value.startsWith('-')) || layer.args.length < 2) return;
  runCode(layer, spawn, first, 'trap');
}

/** `alias name='code'`: judge the code. */
function alias(layer: Layer, spawn: Spawner): void {
  let any = false;
  for (const word of layer.args) {
    const eq = word.value.indexOf('=');
    if (eq <= 0) continue;
    any = true;
    runCode(layer, spawn, sliceWord(word, eq + 1), 'alias');
  }
  if (!any) layer.transparent = false;
}

/** script [opts] [file]: `-c CODE` runs code; otherwise an interactive shell. */
function scriptCommand(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, {
    values: ['-c', '--command', '-E', '--echo', '-I', '--log-in', '-O', '--log-out', '-B', '--log-io', '-T', '--log-timing', '-m', '--logging-format', '-o', '--output-limit'],
    attached: ['-t'],
  });
  const code = firstValue(result, '-c', '--command');
  if (code) runCode(layer, spawn, code, 'script -c');
  else layer.exec = { kind: 'interactive', language: 'sh', text: null, label: 'script' };
}

/** capsh … -- ARGS: ARGS go to /bin/bash. */
function capsh(layer: Layer, spawn: Spawner): void {
  const dashdash = layer.args.findIndex((w) => w.value === '--');
  if (dashdash < 0) return;
  layer.exec = { kind: 'wrapper', language: null, text: null, label: 'capsh --' };
  spawn.argv(layer, [literalWord('bash'), ...layer.args.slice(dashdash + 1)], 'capsh --');
}

function taskLike(name: string, leading: number, values: readonly string[] = []): Handler {
  return (layer, spawn) => {
    const result = scan(layer.args, { values });
    if (hasFlag(result, '-p', '--pid')) return;
    const start = result.index + leading;
    if (start >= layer.args.length) return;
    wrap(layer, name);
    spawn.argv(layer, layer.args.slice(start), name);
  };
}

function deno(layer: Layer): void {
  const sub = layer.args[0]?.value;
  if (sub === 'eval') {
    const code = layer.args.slice(1).find((w) => !w.value.startsWith('-'));
    layer.exec = { kind: 'code', language: 'js', text: code && !code.dynamic ? code.value : null, label: 'deno eval' };
  } else if (sub === 'repl' || sub === undefined) layer.exec = { kind: 'interactive', language: 'js', text: null, label: 'deno' };
  else layer.exec = { kind: 'script', language: 'js', text: null, label: `deno ${sub}` };
}

/** `find` start points: the arguments before the first expression. */
export function findStartPaths(args: readonly Word[]): PathPattern[] {
  const starts: PathPattern[] = [];
  let i = 0;
  while (i < args.length) {
    const value = (args[i] as Word).value;
    if (value === '-H' || value === '-L' || value === '-P' || value.startsWith('-O')) i++;
    else if (value === '-D') i += 2;
    else break;
  }
  for (; i < args.length; i++) {
    const word = args[i] as Word;
    if (!word.dynamic && (word.value.startsWith('-') || word.value === '(' || word.value === '!' || word.value === ')' || word.value === ',')) break;
    const path = wordToPath(word);
    if (path) starts.push(path);
  }
  if (starts.length === 0) {
    const cwd = wordToPath(literalWord('.'));
    if (cwd) starts.push(cwd);
  }
  return starts;
}

/** `source FILE` / `. FILE`; from stdin (`source /dev/stdin <<< …`) the code is judged too. */
function sourceScript(layer: Layer, spawn: Spawner): void {
  const name = layer.program ?? 'source';
  const file = layer.args[0];
  if (file && readsStdinPath(file)) {
    readsStdin(layer, 'sh', name, false);
    if (layer.exec.kind === 'interactive') layer.exec = { kind: 'stdin', language: 'sh', text: null, label: name };
    parseStdinCode(layer, spawn, name);
    return;
  }
  layer.exec = { kind: 'script', language: 'sh', text: null, label: name };
}

/** fish: not bash, but simple commands read the same; judge them when they parse (floor stays). */
function fish(layer: Layer, spawn: Spawner): void {
  const result = scan(layer.args, { values: ['-c', '--command', '-C', '--init-command'] });
  const code = firstValue(result, '-c', '--command');
  if (!code) {
    const operands = layer.args.slice(result.index);
    if (operands.length > 0) layer.exec = { kind: 'script', language: 'fish', text: null, label: 'fish' };
    else readsStdin(layer, 'fish', 'fish', false);
    return;
  }
  if (code.dynamic) {
    layer.exec = { kind: 'code', language: 'fish', text: null, label: 'fish -c' };
    spawn.note(layer, 'guard:dynamic-code', 'deny', 'the code run by fish -c is built from an expansion or substitution');
    return;
  }
  layer.exec = { kind: 'code', language: 'fish', text: code.value, label: 'fish -c' };
  spawn.code(layer, code.value, 'fish -c', { unparsable: 'approval' });
}

/** `ip netns exec NAME CMD…`, `ip vrf exec NAME CMD…`. */
function ipExec(layer: Layer, spawn: Spawner): void {
  const args = layer.args;
  const at = args.findIndex((w) => w.value === 'netns' || w.value === 'vrf');
  if (at < 0 || args[at + 1]?.value !== 'exec' || args.length <= at + 3) return;
  layer.exec = { kind: 'wrapper', language: null, text: null, label: `ip ${(args[at] as Word).value} exec` };
  spawn.argv(layer, args.slice(at + 3), `ip ${(args[at] as Word).value} exec`);
}

// ---- registry -----------------------------------------------------------------------

const SHELLS = ['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'rbash', 'yash', 'posh', 'lksh', 'pdksh', 'oksh', 'ksh93'];

const HANDLERS = new Map<string, Handler>([
  ...SHELLS.map((name): [string, Handler] => [name, shell]),
  ['sudo', sudo],
  ['doas', argvWrapper('doas', { values: ['-u', '-C'], interactiveWhenEmpty: true })],
  ['env', env],
  ['nice', argvWrapper('nice', { values: ['-n', '--adjustment'] })],
  ['ionice', argvWrapper('ionice', { values: ['-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid'], noCommand: ['-p', '--pid', '-P', '--pgid', '-u', '--uid'] })],
  ['timeout', argvWrapper('timeout', { values: ['-s', '--signal', '-k', '--kill-after'], leading: 1 })],
  ['nohup', argvWrapper('nohup', {})],
  ['stdbuf', argvWrapper('stdbuf', { values: ['-i', '-o', '-e', '--input', '--output', '--error'] })],
  ['time', argvWrapper('time', { values: ['-f', '--format', '-o', '--output'], writeOptions: ['-o', '--output'] })],
  ['command', argvWrapper('command', { noCommand: ['-v', '-V'] })],
  ['builtin', argvWrapper('builtin', {})],
  ['exec', argvWrapper('exec', { values: ['-a'] })],
  ['coproc', argvWrapper('coproc', {})],
  ['setsid', argvWrapper('setsid', {})],
  ['unbuffer', argvWrapper('unbuffer', {})],
  ['catchsegv', argvWrapper('catchsegv', {})],
  ['fakeroot', argvWrapper('fakeroot', { values: ['-l', '--lib', '--faked', '-s', '-i'] })],
  ['proxychains', argvWrapper('proxychains', { values: ['-f'] })],
  ['proxychains4', argvWrapper('proxychains4', { values: ['-f'] })],
  ['torsocks', argvWrapper('torsocks', { values: ['-u', '-p', '-a', '-P'] })],
  ['xvfb-run', argvWrapper('xvfb-run', { values: ['-n', '--server-num', '-e', '--error-file', '-f', '--auth-file', '-p', '--xauth-protocol', '-s', '--server-args', '-w', '--wait'] })],
  ['dbus-run-session', argvWrapper('dbus-run-session', { values: ['--config-file', '--dbus-daemon'] })],
  ['numactl', argvWrapper('numactl', { values: ['-N', '-m', '-C', '-p', '-i', '-l', '--cpunodebind', '--membind', '--physcpubind', '--preferred', '--interleave'] })],
  ['prlimit', argvWrapper('prlimit', { values: ['-p', '--pid'], noCommand: ['-p', '--pid'] })],
  ['setpriv', argvWrapper('setpriv', { values: ['--reuid', '--regid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set', '--securebits', '--pdeathsig', '--selinux-label', '--apparmor-profile'] })],
  ['cpulimit', argvWrapper('cpulimit', { values: ['-l', '--limit', '-p', '--pid', '-e', '--exe'], noCommand: ['-p', '--pid', '-e', '--exe'] })],
  ['strace', argvWrapper('strace', { values: ['-o', '--output', '-e', '-p', '--attach', '-s', '-u', '--user', '-E', '--env', '-a', '-P', '-S', '-X', '-I', '-b', '-O'], noCommand: ['-p', '--attach'], envOptions: ['-E', '--env'], writeOptions: ['-o', '--output'] })],
  ['ltrace', argvWrapper('ltrace', { values: ['-o', '--output', '-e', '-p', '-s', '-u', '-a', '-A', '-D', '-F', '-l', '-n', '-x', '-w'], noCommand: ['-p'], writeOptions: ['-o', '--output'] })],
  ['valgrind', argvWrapper('valgrind', {})],
  ['chroot', argvWrapper('chroot', { values: ['--userspec', '--groups'], leading: 1, interactiveWhenEmpty: true, opaque: true })],
  ['nsenter', argvWrapper('nsenter', { values: ['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-w', '--wd', '-r', '--root'], interactiveWhenEmpty: true, opaque: true })],
  ['unshare', argvWrapper('unshare', { values: ['-S', '--setuid', '-G', '--setgid', '--propagation', '-R', '--root', '-w', '--wd'], interactiveWhenEmpty: true, opaque: true })],
  [
    'systemd-run',
    argvWrapper('systemd-run', {
      values: ['-p', '--property', '-u', '--unit', '--description', '--slice', '-E', '--setenv', '--working-directory', '-M', '--machine', '-H', '--host', '--on-calendar', '--on-active', '--on-boot', '--on-startup', '--on-unit-active', '--on-unit-inactive', '--timer-property', '--path-property', '--socket-property', '--uid', '--gid', '--nice', '--service-type'],
      envOptions: ['-E', '--setenv'],
      opaque: true,
    }),
  ],
  ['taskset', taskLike('taskset', 1)],
  ['chrt', taskLike('chrt', 1, ['-T', '--sched-runtime', '-P', '--sched-period', '-D', '--sched-deadline'])],
  ['xargs', xargs],
  ['find', find],
  ['eval', evalBuiltin],
  ['watch', watch],
  ['su', su],
  ['runuser', su],
  ['sg', sg],
  ['flock', flock],
  ['parallel', parallel],
  ['ssh', ssh],
  ['docker', docker],
  ['podman', docker],
  ['busybox', busybox],
  ['toybox', busybox],
  ['trap', trap],
  ['alias', alias],
  ['script', scriptCommand],
  ['capsh', capsh],
  ['at', scheduler],
  ['batch', scheduler],
  ['awk', awk],
  ['gawk', awk],
  ['mawk', awk],
  ['nawk', awk],
  ['sed', sed],
  ['gsed', sed],
  ['pwsh', powershell],
  ['powershell', powershell],
  ['deno', deno],
  ['source', sourceScript],
  ['.', sourceScript],
  ['irb', (layer) => void (layer.exec = { kind: 'interactive', language: 'ruby', text: null, label: 'irb' })],
  ['fish', fish],
  ['ip', ipExec],
  ['pkexec', argvWrapper('pkexec', { values: ['--user'], interactiveWhenEmpty: true })],
  ['setarch', argvWrapper('setarch', { values: ['--uname-2.6'], leading: 1 })],
  ['linux32', argvWrapper('linux32', {})],
  ['linux64', argvWrapper('linux64', {})],
  ['rlwrap', argvWrapper('rlwrap', { values: ['-a', '-b', '-C', '-D', '-e', '-f', '-H', '-l', '-O', '-p', '-P', '-q', '-s', '-S', '-t', '-w', '-z'] })],
  ['jrunscript', interpreter({ language: 'js', codeOptions: ['-e'], values: ['-f', '-l', '-cp', '-classpath'], scriptOptions: ['-f'] })],
  ['jjs', interpreter({ language: 'js', codeOptions: [] })],
  ['expect', interpreter({ language: 'tcl', codeOptions: ['-c'], values: ['-f'], scriptOptions: ['-f'], interactiveFlags: ['-i'] })],
  ['tclsh', interpreter({ language: 'tcl', codeOptions: [] })],
  ['wish', interpreter({ language: 'tcl', codeOptions: [] })],
  ['jimsh', interpreter({ language: 'tcl', codeOptions: [] })],
  ['Rscript', interpreter({ language: 'r', codeOptions: ['-e'] })],
  ['R', interpreter({ language: 'r', codeOptions: ['-e'], values: ['-f', '--file'], scriptOptions: ['-f', '--file'] })],
  ['julia', interpreter({ language: 'julia', codeOptions: ['-e', '-E', '--eval', '--print'], values: ['-L', '--load', '-J', '--sysimage', '-p', '--procs', '-t', '--threads'] })],
  ['bun', interpreter({ language: 'js', codeOptions: ['-e', '--eval', '-p', '--print'], values: ['-r', '--preload', '--cwd'] })],
]);

const PYTHON: Handler = interpreter({ language: 'python', codeOptions: ['-c'], values: ['-c', '-m', '-W', '-X', '-Q'], terminators: ['-c', '-m'], scriptOptions: ['-m'], interactiveFlags: ['-i'] });
const PERL: Handler = interpreter({
  language: 'perl',
  codeOptions: ['-e', '-E'],
  values: ['-e', '-E'],
  attached: ['-M', '-m', '-I', '-l', '-0', '-i', '-x', '-C', '-d', '-D', '-V'],
  moduleOptions: ['-M', '-m'],
});
const RUBY: Handler = interpreter({ language: 'ruby', codeOptions: ['-e'], values: ['-e', '-I', '-r', '-C', '-E', '--encoding'], attached: ['-x', '-i', '-0', '-F', '-W', '-T'], moduleOptions: ['-r'] });
const NODE: Handler = interpreter({
  language: 'js',
  codeOptions: ['-e', '--eval', '-p', '--print'],
  values: ['-e', '--eval', '-p', '--print', '-r', '--require', '--import', '--loader', '--experimental-loader', '--input-type', '-C', '--conditions', '--env-file'],
  moduleOptions: ['-r', '--require', '--import', '--loader', '--experimental-loader'],
  interactiveFlags: ['-i', '--interactive'],
});
const PHP: Handler = interpreter({
  language: 'php',
  codeOptions: ['-r', '-B', '-R', '-E'],
  values: ['-r', '-B', '-R', '-E', '-F', '-c', '-d', '-z', '-f', '-t', '-S'],
  scriptOptions: ['-f', '-F'],
  interactiveFlags: ['-a'],
});
const LUA: Handler = interpreter({ language: 'lua', codeOptions: ['-e'], values: ['-e', '-l'], moduleOptions: ['-l'], interactiveFlags: ['-i'] });

const PATTERNS: readonly [RegExp, Handler][] = [
  [/^(python|pypy)[0-9.]*$/, PYTHON],
  [/^perl[0-9.]*$/, PERL],
  [/^ruby[0-9.]*$/, RUBY],
  [/^(node|nodejs)[0-9.]*$/, NODE],
  [/^php[0-9.]*$/, PHP],
  [/^(lua|luajit)[0-9.]*$/, LUA],
  [/^(tclsh|wish)[0-9.]+$/, interpreter({ language: 'tcl', codeOptions: [] })],
];

const resolved = new Map<string, Handler | null>();

function handlerFor(program: string): Handler | null {
  const known = HANDLERS.get(program);
  if (known) return known;
  let handler = resolved.get(program);
  if (handler === undefined) {
    handler = PATTERNS.find(([pattern]) => pattern.test(program))?.[1] ?? null;
    if (resolved.size < 4096) resolved.set(program, handler);
  }
  return handler;
}

/** Unwraps wrappers and classifies interpreters for one command layer. */
export function expandLayer(layer: Layer, spawn: Spawner): void {
  if (layer.program === null) return;
  handlerFor(layer.program)?.(layer, spawn);
}

/** Names of every program the unwrapper knows (documentation, explain). */
export function knownWrappers(): string[] {
  return [...HANDLERS.keys()].sort();
}
