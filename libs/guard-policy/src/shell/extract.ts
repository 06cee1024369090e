import type { Node } from 'web-tree-sitter';
import type { PathPattern } from '../glob/paths.js';
import { hasNonAscii } from '../unicode.js';
import {
  NO_EXECUTION,
  NO_STDIN,
  type Assignment,
  type DecisionKind,
  type Layer,
  type LayerKind,
  type Note,
  type Stdin,
} from './model.js';
import type { ShellParser } from './parser.js';
import { expandLayer, findOutputPath, type Spawner, type SpawnOptions } from './unwrap.js';
import { hasUnquotedGlob, literalWord, resolveAdjacent, resolveWord, tildePrefix, type Word } from './words.js';

export interface ExtractLimits {
  /** How deep code may nest (`sh -c` in `eval` in `bash -c`…). */
  readonly maxDepth: number;
  /** How many layers one command may produce. */
  readonly maxLayers: number;
}

/** Everything found in one command line. */
export interface Extraction {
  readonly layers: readonly Layer[];
  /** Findings about the command as a whole (does not parse, nests too deep…). */
  readonly notes: readonly Note[];
}

interface Ctx {
  readonly depth: number;
  readonly via: readonly string[];
  readonly parent: number | null;
  readonly stdin: Stdin;
  /** Functions defined in the code being walked (calls of them are judged through their bodies). */
  readonly functions: Set<string>;
  readonly background: boolean;
  readonly infiniteLoop: boolean;
  /** How many wrappers were unwrapped to get here. */
  readonly unwraps: number;
}

const MAX_UNWRAPS = 24;

interface LayerInput {
  readonly kind: LayerKind;
  readonly text: string;
  readonly programWord: Word | null;
  readonly program?: string | null;
  readonly programPath?: string | null;
  readonly args: readonly Word[];
  readonly argPaths?: ReadonlyMap<number, PathPattern>;
  readonly assignments: Assignment[];
  readonly stdin: Stdin;
}

/** Walks tree-sitter-bash trees and collects every simple command as a {@link Layer}. */
export class Extractor implements Spawner {
  readonly layers: Layer[] = [];
  readonly notes: Note[] = [];
  private readonly contexts: Ctx[] = [];
  private full = false;
  /** The code being walked (node indices point into it). */
  private source = '';

  constructor(
    private readonly parser: ShellParser,
    private readonly limits: ExtractLimits,
  ) {}

  static extract(parser: ShellParser, command: string, limits: ExtractLimits): Extraction {
    const extractor = new Extractor(parser, limits);
    const root: Ctx = {
      depth: 0,
      via: [],
      parent: null,
      stdin: NO_STDIN,
      functions: new Set(),
      background: false,
      infiniteLoop: false,
      unwraps: 0,
    };
    extractor.parse(command, root, null, 'deny');
    return { layers: extractor.layers, notes: extractor.notes };
  }

  // ---- Spawner: used by wrappers and interpreters -------------------------

  argv(parent: Layer, words: readonly Word[], label: string, options: SpawnOptions = {}): void {
    const ctx = this.childCtx(parent, label, 0);
    if (ctx.unwraps > MAX_UNWRAPS) {
      this.note(parent, 'guard:too-deep', 'deny', `more than ${MAX_UNWRAPS} nested wrappers`);
      return;
    }
    const [programWord, ...args] = words;
    if (!programWord) return;
    this.makeLayer(
      {
        kind: 'command',
        text: words.map((w) => w.text).join(' '),
        programWord,
        args,
        argPaths: options.argPaths,
        assignments: [...(options.assignments ?? [])],
        stdin: options.stdin ?? parent.stdin,
      },
      ctx,
    );
  }

  code(parent: Layer, text: string, label: string, options: SpawnOptions = {}): void {
    const ctx = this.childCtx(parent, label, 1);
    this.parse(text, options.stdin ? { ...ctx, stdin: options.stdin } : ctx, label, options.unparsable ?? 'deny');
  }

  write(parent: Layer, target: Word, label: string): void {
    const ctx = this.childCtx(parent, label, 0);
    this.makeLayer(
      { kind: 'redirect', text: `${label} ${target.text}`, programWord: null, program: '>', programPath: label, args: [target], assignments: [], stdin: NO_STDIN },
      ctx,
    );
  }

  note(layer: Layer | null, id: string, decision: DecisionKind, reason: string): void {
    const note = { id, decision, reason };
    if (layer) layer.notes.push(note);
    else this.notes.push(note);
  }

  // ---- parsing and walking ------------------------------------------------

  private childCtx(parent: Layer, label: string, extraDepth: number): Ctx {
    const base = this.contexts[parent.id] as Ctx;
    return {
      ...base,
      depth: base.depth + extraDepth,
      via: [...parent.via, label],
      parent: parent.id,
      functions: extraDepth > 0 ? new Set() : base.functions,
      unwraps: base.unwraps + 1,
    };
  }

  private parse(code: string, ctx: Ctx, label: string | null, unparsable: DecisionKind): void {
    if (ctx.depth > this.limits.maxDepth) {
      this.note(null, 'guard:too-deep', 'deny', `code nested more than ${this.limits.maxDepth} levels deep (via ${ctx.via.join(' → ')})`);
      return;
    }
    const outer = this.source;
    this.source = code;
    try {
      this.parser.withTree(code, (root) => {
        if (root.hasError) {
          this.note(
            null,
            'guard:parse-error',
            unparsable,
            label === null ? 'the command does not parse as shell' : `the code run by ${label} does not parse as shell`,
          );
          return;
        }
        this.walk(root, ctx);
      });
    } finally {
      this.source = outer;
    }
  }

  /**
   * Groups nodes into shell words: nodes that touch, or are separated only
   * by line continuations (bash removes `\<newline>` inside a word, while
   * tree-sitter treats it as a blank), form one word.
   */
  private addToGroups(groups: Node[][], node: Node): void {
    const last = groups[groups.length - 1];
    const previous = last?.[last.length - 1];
    if (last && previous && (previous.endIndex === node.startIndex || LINE_CONTINUATIONS.test(this.source.slice(previous.endIndex, node.startIndex)))) {
      last.push(node);
    } else groups.push([node]);
  }

  private walk(node: Node, ctx: Ctx): void {
    if (this.full) return;
    switch (node.type) {
      case 'command':
        this.command(node, ctx, [], null);
        return;
      case 'pipeline':
        this.pipeline(node, ctx);
        return;
      case 'redirected_statement':
        this.redirected(node, ctx);
        return;
      case 'variable_assignment':
        this.assignments([node], node, ctx);
        return;
      case 'variable_assignments':
        this.assignments(named(node), node, ctx);
        return;
      case 'declaration_command':
      case 'unset_command':
        this.declaration(node, ctx);
        return;
      case 'test_command':
        this.test(node, ctx);
        return;
      case 'function_definition':
        this.functionDefinition(node, ctx);
        return;
      case 'while_statement':
        this.whileStatement(node, ctx);
        return;
      case 'process_substitution':
        // `>(cmd)`: cmd reads what the outer command writes
        this.walkChildren(node, node.text.startsWith('>') ? { ...ctx, stdin: { ...NO_STDIN, kind: 'pipe' } } : ctx);
        return;
      case 'comment':
      case 'heredoc_start':
      case 'heredoc_end':
      case 'heredoc_content':
        return;
      default:
        this.walkChildren(node, ctx);
    }
  }

  private walkChildren(node: Node, ctx: Ctx): void {
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!child?.isNamed) continue;
      const background = children[i + 1]?.type === '&';
      this.walk(child, background && !ctx.background ? { ...ctx, background: true } : ctx);
    }
  }

  private pipeline(node: Node, ctx: Ctx): void {
    const upstream: string[] = ctx.stdin.kind === 'pipe' ? [...ctx.stdin.from] : [];
    let findStarts: PathPattern[] | null = null;
    let first = true;
    for (const stage of node.children) {
      if (!stage?.isNamed || stage.type === 'comment') continue;
      const stageCtx: Ctx = first ? ctx : { ...ctx, stdin: { kind: 'pipe', from: [...upstream], text: null, findStarts } };
      first = false;
      const start = this.layers.length;
      this.walk(stage, stageCtx);
      upstream.push(...this.programsOf(start));
      findStarts = this.findStartsOf(start);
    }
  }

  private programsOf(start: number): string[] {
    const programs: string[] = [];
    for (let i = start; i < this.layers.length; i++) {
      const layer = this.layers[i] as Layer;
      if (layer.kind !== 'redirect' && layer.program) programs.push(layer.program);
    }
    return programs;
  }

  /** What a `find` in the given layers prints lies below its start paths. */
  private findStartsOf(start: number): PathPattern[] | null {
    let starts: PathPattern[] | null = null;
    for (let i = start; i < this.layers.length; i++) {
      const layer = this.layers[i] as Layer;
      if (layer.program !== 'find') continue;
      starts ??= [];
      starts.push(findOutputPath(layer.args));
    }
    return starts;
  }

  private redirected(node: Node, ctx: Ctx): void {
    let body: Node | null = null;
    const state: RedirectState = { stdin: null, extraArgs: [], deferred: [] };
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!child?.isNamed) continue;
      if (node.fieldNameForChild(i) === 'body') body = child;
      else this.collectRedirect(child, ctx, state);
    }
    const start = this.layers.length;
    if (body) {
      if (body.type === 'command') this.command(body, ctx, state.extraArgs, state.stdin);
      else {
        if (state.extraArgs.length > 0) {
          this.note(null, 'guard:syntax', 'deny', `words after a redirection of a compound command: ${state.extraArgs.map((w) => w.text).join(' ')}`);
        }
        this.walk(body, state.stdin ? { ...ctx, stdin: state.stdin } : ctx);
      }
    } else if (state.extraArgs.length > 0) {
      // `> file cmd args`: the words form the command
      const [programWord, ...args] = state.extraArgs;
      this.makeLayer(
        { kind: 'command', text: node.text, programWord: programWord as Word, args, assignments: [], stdin: state.stdin ?? ctx.stdin },
        ctx,
      );
    }
    const bodyPrograms = this.programsOf(start);
    for (const run of state.deferred) run(bodyPrograms);
  }

  private collectRedirect(child: Node, ctx: Ctx, state: RedirectState): void {
    switch (child.type) {
      case 'file_redirect': {
        const redirect = this.fileRedirect(child);
        state.extraArgs.push(...redirect.extra);
        if (redirect.read && redirect.target) state.stdin = { ...NO_STDIN, kind: 'file' };
        state.deferred.push(() => {
          this.emitRedirect(child, redirect, ctx);
          this.walkChildren(child, ctx);
        });
        return;
      }
      case 'herestring_redirect':
        state.stdin = herestring(child);
        state.deferred.push(() => this.walkChildren(child, ctx));
        return;
      case 'heredoc_redirect':
        this.heredoc(child, ctx, state);
        return;
      default:
        state.deferred.push(() => this.walk(child, ctx));
    }
  }

  private heredoc(node: Node, ctx: Ctx, state: RedirectState): void {
    let quoted = false;
    let body: Node | null = null;
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!child) continue;
      const field = node.fieldNameForChild(i);
      if (child.type === 'heredoc_start') quoted = /['"\\]/.test(child.text);
      else if (child.type === 'heredoc_body') body = child;
      else if (field === 'argument') state.extraArgs.push(resolveWord(child));
      else if (field === 'redirect') this.collectRedirect(child, ctx, state);
      else if (child.type === 'pipeline') {
        const pipeline = child;
        state.deferred.push((programs) => {
          const pipeCtx: Ctx = { ...ctx, stdin: { kind: 'pipe', from: programs, text: null, findStarts: null } };
          for (const stage of pipeline.namedChildren) if (stage) this.walk(stage, pipeCtx);
        });
      } else if (field === 'right') {
        const right = child;
        state.deferred.push(() => this.walk(right, ctx));
      }
    }
    const expansions = body ? body.namedChildren.some((c) => c !== null && c.type !== 'heredoc_content') : false;
    state.stdin = { kind: 'heredoc', from: [], text: quoted || !expansions ? (body?.text ?? '') : null, findStarts: null };
    if (body && !quoted) {
      const heredocBody = body;
      state.deferred.push(() => this.walkChildren(heredocBody, ctx));
    }
  }

  private fileRedirect(node: Node): FileRedirect {
    let op = '';
    const groups: Node[][] = [];
    for (const child of node.children) {
      if (!child || child.type === 'comment') continue;
      if (child.type === 'file_descriptor') continue;
      if (!child.isNamed) {
        if (op === '') op = child.type;
        continue;
      }
      this.addToGroups(groups, child);
    }
    const words = groups.map((group) => resolveAdjacent(group));
    const [target, ...extra] = words;
    const dup = (op === '>&' || op === '<&') && target !== undefined && !target.dynamic && /^(\d+|-)$/.test(target.value);
    const close = op === '<&-' || op === '>&-';
    const file = target !== undefined && !dup && !close;
    const read = file && (op === '<' || op === '<&');
    return { op, target: file ? (target as Word) : null, read, extra: close && target ? [target, ...extra] : extra };
  }

  private emitRedirect(node: Node, redirect: FileRedirect, ctx: Ctx): void {
    if (!redirect.target) return;
    this.makeLayer(
      {
        kind: 'redirect',
        text: node.text,
        programWord: null,
        program: redirect.read ? '<' : '>',
        programPath: redirect.op,
        args: [redirect.target],
        assignments: [],
        stdin: NO_STDIN,
      },
      ctx,
    );
  }

  private command(node: Node, ctx: Ctx, extraArgs: readonly Word[], stdinOverride: Stdin | null): void {
    const assignments: Assignment[] = [];
    const groups: Node[][] = [];
    const prefixRedirects: { node: Node; redirect: FileRedirect }[] = [];
    let nameNode: Node | null = null;
    let stdin = stdinOverride ?? ctx.stdin;
    for (const child of node.children) {
      if (!child || child.type === 'comment') continue;
      switch (child.type) {
        case 'variable_assignment':
          if (!nameNode) {
            assignments.push(resolveAssignment(child));
            continue;
          }
          break;
        case 'command_name':
          nameNode = child;
          this.addToGroups(groups, child);
          continue;
        case 'file_redirect': {
          const redirect = this.fileRedirect(child);
          if (redirect.read) stdin = { ...NO_STDIN, kind: 'file' };
          prefixRedirects.push({ node: child, redirect });
          continue;
        }
        case 'herestring_redirect':
          stdin = herestring(child);
          continue;
        case 'subshell':
          // `cmd (x)` is a syntax error in bash; tree-sitter accepts it
          this.note(null, 'guard:syntax', 'deny', `a subshell cannot follow a command name: ${node.text}`);
          continue;
      }
      if (nameNode) this.addToGroups(groups, child);
    }
    const words = groups.map((group) => resolveAdjacent(group));
    const prefixExtra = prefixRedirects.flatMap((r) => r.redirect.extra);
    let programWord = nameNode ? (words.shift() ?? null) : null;
    const args = [...words, ...extraArgs];
    if (!programWord && prefixExtra.length > 0) programWord = prefixExtra.shift() as Word;
    if (programWord) {
      this.makeLayer(
        { kind: 'command', text: node.text, programWord, args: [...prefixExtra, ...args], assignments, stdin },
        ctx,
      );
    }
    for (const { node: redirectNode, redirect } of prefixRedirects) this.emitRedirect(redirectNode, redirect, ctx);
    // substitutions inside the words run before the command, with the shell's stdin
    this.walkWords(node, ctx);
  }

  /** Walks the words of a command for substitutions (prefix assignments are not statements). */
  private walkWords(node: Node, ctx: Ctx): void {
    for (const child of node.children) {
      if (!child?.isNamed) continue;
      if (child.type === 'variable_assignment') this.walkChildren(child, ctx);
      else this.walk(child, ctx);
    }
  }

  private assignments(nodes: readonly (Node | null)[], whole: Node, ctx: Ctx): void {
    const assignments = nodes.filter((n): n is Node => n !== null && n.type === 'variable_assignment').map(resolveAssignment);
    this.makeLayer({ kind: 'assignment', text: whole.text, programWord: null, program: null, args: [], assignments, stdin: ctx.stdin }, ctx);
    if (whole.type === 'variable_assignment') this.walkChildren(whole, ctx);
    else this.walkWords(whole, ctx);
  }

  private declaration(node: Node, ctx: Ctx): void {
    const keyword = node.child(0)?.type ?? 'declare';
    const assignments: Assignment[] = [];
    const args: Word[] = [];
    for (const child of node.namedChildren) {
      if (!child || child.type === 'comment') continue;
      if (child.type === 'variable_assignment') {
        const assignment = resolveAssignment(child);
        assignments.push(assignment);
        args.push(assignmentWord(assignment, child.text));
      } else args.push(resolveWord(child));
    }
    this.makeLayer(
      { kind: 'declaration', text: node.text, programWord: literalWord(keyword), program: keyword, args, assignments, stdin: ctx.stdin },
      ctx,
    );
    this.walkWords(node, ctx);
  }

  private test(node: Node, ctx: Ctx): void {
    const keyword = node.child(0)?.type ?? '[';
    this.makeLayer({ kind: 'test', text: node.text, programWord: literalWord(keyword), program: keyword, args: [], assignments: [], stdin: ctx.stdin }, ctx);
    this.walkChildren(node, ctx);
  }

  private functionDefinition(node: Node, ctx: Ctx): void {
    const nameNode = node.childForFieldName('name');
    const name = nameNode ? resolveWord(nameNode).value : '';
    ctx.functions.add(name);
    const start = this.layers.length;
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child?.isNamed && node.fieldNameForChild(i) !== 'name') this.walk(child, ctx);
    }
    for (let i = start; i < this.layers.length; i++) {
      const layer = this.layers[i] as Layer;
      if (layer.kind === 'function-call' && layer.program === name) {
        this.note(layer, 'guard:fork-bomb', 'deny', `function ${JSON.stringify(name)} calls itself (fork bomb pattern)`);
        break;
      }
    }
  }

  private whileStatement(node: Node, ctx: Ctx): void {
    const keyword = node.child(0)?.type;
    const condition = node.childForFieldName('condition');
    const conditionText = condition?.text.trim() ?? '';
    const infinite = (keyword === 'while' && (conditionText === 'true' || conditionText === ':')) || (keyword === 'until' && conditionText === 'false');
    this.walkChildren(node, infinite ? { ...ctx, infiniteLoop: true } : ctx);
  }

  // ---- layers ---------------------------------------------------------------

  private makeLayer(input: LayerInput, ctx: Ctx): Layer | null {
    if (this.full) return null;
    if (this.layers.length >= this.limits.maxLayers) {
      this.full = true;
      this.note(null, 'guard:too-many-commands', 'deny', `more than ${this.limits.maxLayers} commands in one request`);
      return null;
    }
    let program = input.program;
    let programPath = input.programPath ?? null;
    if (program === undefined) {
      const resolved = resolveProgram(input.programWord);
      program = resolved.program;
      programPath = resolved.programPath;
    }
    const kind: LayerKind =
      input.kind === 'command' && program !== null && programPath === null && ctx.functions.has(program) ? 'function-call' : input.kind;
    const layer: Layer = {
      id: this.layers.length,
      parent: ctx.parent,
      kind,
      text: input.text,
      programWord: input.programWord,
      program,
      programPath,
      args: input.args,
      argPaths: input.argPaths ?? new Map(),
      assignments: input.assignments,
      stdin: input.stdin,
      via: ctx.via,
      depth: ctx.depth,
      exec: NO_EXECUTION,
      transparent: kind === 'function-call',
      background: ctx.background,
      notes: [],
    };
    this.layers.push(layer);
    this.contexts.push(ctx);
    if (ctx.infiniteLoop && ctx.background) {
      this.note(layer, 'guard:fork-bomb', 'deny', 'an endless loop starts background jobs (fork bomb pattern)');
    }
    if (input.programWord && hasNonAscii(input.programWord.value)) {
      this.note(layer, 'guard:homoglyph', 'deny', 'the program name contains non-ASCII characters (look-alike letters)');
    }
    if (kind === 'command') expandLayer(layer, this);
    return layer;
  }
}

interface FileRedirect {
  readonly op: string;
  /** The file opened, or null for descriptor duplication/closing. */
  readonly target: Word | null;
  readonly read: boolean;
  /** Words after the target: in bash they are arguments of the command. */
  readonly extra: readonly Word[];
}

interface RedirectState {
  stdin: Stdin | null;
  extraArgs: Word[];
  deferred: ((bodyPrograms: string[]) => void)[];
}

function named(node: Node): (Node | null)[] {
  return node.namedChildren;
}

const LINE_CONTINUATIONS = /^(\\\r?\n)+$/;

function herestring(node: Node): Stdin {
  const wordNodes = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'file_descriptor');
  const word = wordNodes.length > 0 ? resolveAdjacent(wordNodes) : literalWord('');
  return { kind: 'herestring', from: [], text: word.dynamic ? null : `${word.value}\n`, findStarts: null };
}

/** `NAME=value` as one argument word (declarations show their assignments as arguments). */
function assignmentWord(assignment: Assignment, text: string): Word {
  const prefix = `${assignment.name}=`;
  return {
    text,
    value: prefix + assignment.value.value,
    mask: 'q'.repeat(prefix.length) + assignment.value.mask,
    dynamic: assignment.value.dynamic,
  };
}

function resolveAssignment(node: Node): Assignment {
  const nameNode = node.childForFieldName('name');
  const valueNode = node.childForFieldName('value');
  return { name: nameNode?.text ?? '', value: valueNode ? resolveWord(valueNode) : literalWord('') };
}

/** Program name and path of a command word; null program when it is not knowable before running. */
export function resolveProgram(word: Word | null): { program: string | null; programPath: string | null } {
  if (!word || word.dynamic || hasUnquotedGlob(word) || tildePrefix(word) !== null) return { program: null, programPath: null };
  const value = word.value;
  if (!value.includes('/')) return { program: value, programPath: null };
  const path = normalisePathString(value);
  const slash = path.lastIndexOf('/');
  return { program: path.slice(slash + 1), programPath: path };
}

/** Collapses `//`, resolves `.` and `..`; relative paths keep a leading `./` or `../`. */
export function normalisePathString(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  let ups = 0;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0) out.pop();
      else if (!absolute) ups++;
      continue;
    }
    out.push(segment);
  }
  if (absolute) return `/${out.join('/')}`;
  const prefix = ups > 0 ? '../'.repeat(ups) : './';
  return `${prefix}${out.join('/')}`;
}
