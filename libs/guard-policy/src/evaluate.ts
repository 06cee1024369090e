import { formatExplanation } from './explain.js';
import { covers } from './glob/glob.js';
import { literalPath } from './glob/paths.js';
import { touchesOf, type CompiledRule, type MatchContext, type Policy } from './policy/compile.js';
import { LayerView } from './policy/view.js';
import { Extractor, type Extraction } from './shell/extract.js';
import { STRICTNESS, type DecisionKind, type Layer, type Note, type StdinKind } from './shell/model.js';
import { ShellParser } from './shell/parser.js';
import { displayValue } from './shell/words.js';
import { escapeForDisplay, formatCodePoint, scanUnicode } from './unicode.js';

export type { DecisionKind } from './shell/model.js';

export interface EvaluationRequest {
  readonly command: string;
  /** Target host name (rules may match it with `host`). Unknown: host-specific deny rules still apply, as approval. */
  readonly host?: string;
  /** Caller role (rules may match it with `role`). */
  readonly role?: string;
}

/** A rule (or a `guard:*` check) that fired for one command. */
export interface FiredRule {
  readonly id: string;
  /** What it contributes (a deny rule that only possibly matches contributes approval). */
  readonly decision: DecisionKind;
  readonly reason: string;
  /** False when the match depends on unknown values (expansions, relative paths, unknown host/role). */
  readonly certain: boolean;
}

/** One simple command found in the command line (after unwrapping), and how it was judged. */
export interface JudgedCommand {
  readonly id: number;
  /** The wrapper command this one was unwrapped from. */
  readonly parent: number | null;
  readonly kind: Layer['kind'];
  readonly text: string;
  /** Basename; null when the program comes from an expansion. */
  readonly program: string | null;
  /** As written (normalised) when written with a path: `/usr/bin/rm`, `./rm`. */
  readonly programPath: string | null;
  /** Arguments after quote removal (expansions shown as written). */
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly stdin: StdinKind;
  /** Wrapper chain, outermost first: `sudo`, `sh -c`, `find -exec`. */
  readonly via: readonly string[];
  /** What it runs besides itself: `wrapper`, `code`, `stdin`, `script`, `interactive`, `filter`, or null. */
  readonly executes: string | null;
  /** A wrapper judged through its inner command (it counts only where a rule names it). */
  readonly transparent: boolean;
  /** Null for a transparent wrapper no rule named. */
  readonly decision: DecisionKind | null;
  readonly rule: string | null;
  readonly fired: readonly FiredRule[];
}

export interface Checkpoint {
  readonly paths: readonly string[];
  readonly containers: readonly string[];
}

export interface Decision {
  readonly command: string;
  /** The command with control, invisible and non-ASCII characters escaped (`\u202e`), for approvers. */
  readonly displayCommand: string;
  readonly decision: DecisionKind;
  /** Id of the deciding rule, `default`, or a guard check `guard:*`. */
  readonly rule: string;
  readonly reason: string;
  readonly commands: readonly JudgedCommand[];
  /** Findings about the command line as a whole (parse errors, hidden characters…). */
  readonly findings: readonly FiredRule[];
  /** What to snapshot before running (from the fired rules' `touches`). */
  readonly checkpoint: Checkpoint;
}

export interface GuardEvaluator {
  readonly policy: Policy;
  /** Synchronous: the parser is loaded when the evaluator is created. */
  evaluate(request: EvaluationRequest): Decision;
  /** The decision as readable text: every simple command, its wrappers, each rule that fired. */
  explain(request: EvaluationRequest): string;
}

/** Loads the shell parser (once per process) and returns an evaluator for the policy. */
export async function createGuardEvaluator(policy: Policy): Promise<GuardEvaluator> {
  const parser = await ShellParser.load();
  return {
    policy,
    evaluate: (request) => evaluateWith(parser, policy, request),
    explain: (request) => formatExplanation(evaluateWith(parser, policy, request)),
  };
}

/** Variables that change what a command runs or how; at least approval, whatever the policy says. */
const RISKY_ENV = new Set([
  'BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'PROMPT_COMMAND', 'IFS', 'PATH', 'CDPATH', 'GLOBIGNORE',
  'PAGER', 'MANPAGER', 'SYSTEMD_PAGER', 'GIT_PAGER', 'LESSOPEN', 'LESSCLOSE', 'LESSKEY', 'EDITOR', 'VISUAL', 'SUDO_EDITOR', 'BROWSER',
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'GIT_EDITOR', 'GIT_ASKPASS', 'GIT_PROXY_COMMAND', 'GIT_EXTERNAL_DIFF', 'GIT_DIR', 'GIT_TEMPLATE_DIR', 'GIT_CONFIG', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM',
  'SSH_ASKPASS', 'SUDO_ASKPASS', 'NODE_OPTIONS', 'NODE_PATH', 'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'PERL5DB', 'RUBYOPT', 'RUBYLIB',
  'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONINSPECT', 'PYTHONUSERBASE', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS',
  'GCONV_PATH', 'HOSTALIASES', 'TAR_OPTIONS', 'HOME', 'SHELL', 'HISTFILE', 'DOCKER_HOST', 'KUBECONFIG', 'XDG_CONFIG_HOME', 'TMOUT',
]);
const RISKY_ENV_PREFIX = /^(LD_|DYLD_|BASH_FUNC_|GIT_CONFIG_(KEY|VALUE|COUNT|PARAMETERS))/;

export function isRiskyEnvironmentName(name: string): boolean {
  return RISKY_ENV.has(name) || RISKY_ENV_PREFIX.test(name);
}

function fired(note: Note, certain = true): FiredRule {
  return { id: note.id, decision: note.decision, reason: note.reason, certain };
}

function deny(id: string, reason: string): FiredRule {
  return { id, decision: 'deny', reason, certain: true };
}

/** Checks the guard makes itself, before and whatever the policy says. */
function guardChecks(layer: Layer, policy: Policy, out: FiredRule[]): void {
  for (const note of layer.notes) out.push(fired(note));
  if (layer.kind === 'command' && layer.program === null) {
    const word = layer.programWord?.text ?? '';
    out.push(deny('guard:dynamic-program', `the program name \`${escapeForDisplay(word)}\` comes from an expansion, substitution or glob, so what runs cannot be judged before it runs`));
  }
  const exec = layer.exec;
  if (exec.kind === 'stdin') {
    out.push({ id: 'guard:inline-code', decision: 'approval', reason: `${exec.label ?? layer.program} reads ${exec.language ?? ''} code from stdin`, certain: true });
  } else if (exec.kind === 'code' && exec.language !== 'sh') {
    out.push({ id: 'guard:inline-code', decision: 'approval', reason: `${exec.label ?? layer.program} runs inline ${exec.language ?? ''} code`, certain: true });
  } else if (exec.kind === 'interactive') {
    out.push({ id: 'guard:interactive', decision: 'approval', reason: `${exec.label ?? layer.program} starts an interactive ${exec.language ?? 'shell'}`, certain: true });
  }
  const risky = layer.assignments.filter((a) => isRiskyEnvironmentName(a.name)).map((a) => a.name);
  if (risky.length > 0) {
    out.push({ id: 'guard:environment', decision: 'approval', reason: `sets ${risky.join(', ')}, which changes what runs`, certain: true });
  }
  if (layer.programPath !== null && layer.kind === 'command') {
    const path = literalPath(layer.programPath);
    const trusted = path.literal !== null && policy.settings.trustedProgramDirs.some((dir) => covers(dir, path.alts[0] ?? []));
    if (!trusted) out.push({ id: 'guard:untrusted-path', decision: 'approval', reason: `${layer.programPath} is not in a trusted program directory`, certain: true });
  }
}

function clip(text: string, max = 160): string {
  const oneLine = escapeForDisplay(text.replace(/\s*\n\s*/g, ' ⏎ ').trim());
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Fails closed: anything unexpected while judging is a deny, never an exception the caller might treat as allow. */
function evaluateWith(parser: ShellParser, policy: Policy, request: EvaluationRequest): Decision {
  try {
    return judge(parser, policy, request);
  } catch (error) {
    const command = String(request.command);
    return {
      command,
      displayCommand: escapeForDisplay(command),
      decision: 'deny',
      rule: 'guard:internal-error',
      reason: `the command could not be judged (${(error as Error).message})`,
      commands: [],
      findings: [],
      checkpoint: { paths: [], containers: [] },
    };
  }
}

function judge(parser: ShellParser, policy: Policy, request: EvaluationRequest): Decision {
  const { command } = request;
  if (typeof command !== 'string') throw new TypeError('command must be a string');
  const settings = policy.settings;
  const displayCommand = escapeForDisplay(command);
  const refuse = (finding: FiredRule): Decision => ({
    command,
    displayCommand,
    decision: finding.decision,
    rule: finding.id,
    reason: finding.reason,
    commands: [],
    findings: [finding],
    checkpoint: { paths: [], containers: [] },
  });
  if (command.length > settings.maxCommandLength) {
    return refuse(deny('guard:too-long', `the command is longer than ${settings.maxCommandLength} characters`));
  }
  const unicode = scanUnicode(command);
  if (unicode.hidden.length > 0) {
    return refuse(deny('guard:hidden-characters', `the command contains invisible, control or bidirectional characters (${unicode.hidden.map(formatCodePoint).join(' ')}), so what is shown is not what runs`));
  }
  if (command.trim() === '') return refuse(deny('guard:empty', 'the command is empty'));

  const extraction: Extraction = Extractor.extract(parser, command, { maxDepth: settings.maxDepth, maxLayers: settings.maxCommands });

  const findings: FiredRule[] = extraction.notes.map((note) => fired(note));
  if (unicode.nonAscii) {
    findings.push({ id: 'guard:non-ascii', decision: 'approval', reason: 'the command contains non-ASCII characters (look-alikes are possible); it is shown escaped', certain: true });
  }
  const linePrograms = new Set<string>();
  for (const layer of extraction.layers) if (layer.program && layer.kind !== 'redirect') linePrograms.add(layer.program);
  const ctx: MatchContext = { host: request.host, role: request.role, linePrograms };
  const checkpoint = { paths: new Set<string>(), containers: new Set<string>() };

  const commands: JudgedCommand[] = extraction.layers.map((layer) => judgeLayer(layer, policy, ctx, checkpoint));

  // the strictest contribution wins; among equals a certain match beats a possible one,
  // then the first source (command-line findings first) names the rule
  let decision: DecisionKind | null = null;
  let certain = false;
  let rule = '';
  let reason = '';
  const consider = (candidate: DecisionKind, isCertain: boolean, id: string, why: string): void => {
    const stricter = decision === null || STRICTNESS[candidate] > STRICTNESS[decision];
    if (stricter || (candidate === decision && isCertain && !certain)) {
      decision = candidate;
      certain = isCertain;
      rule = id;
      reason = why;
    }
  };
  for (const finding of findings) consider(finding.decision, finding.certain, finding.id, finding.reason);
  for (const judged of commands) {
    if (judged.decision === null) continue;
    const sources = judged.fired.filter((f) => f.decision === judged.decision);
    const source = sources.find((f) => f.certain) ?? sources[0];
    const why = source ? `${source.reason}${source.certain ? '' : ' (possible match: part of it is only known at run time)'}` : `no rule covers \`${judged.program ?? judged.text}\``;
    consider(judged.decision, source?.certain ?? true, source?.id ?? judged.rule ?? 'default', `${why} — \`${clip(judged.text)}\``);
  }
  if (decision === null) return refuse(deny('guard:empty', 'the command runs nothing the guard can judge'));
  // nothing runs after a deny, so nothing needs a checkpoint
  const denied = (decision as DecisionKind) === 'deny';
  return {
    command,
    displayCommand,
    decision,
    rule,
    reason,
    commands,
    findings,
    checkpoint: denied ? { paths: [], containers: [] } : { paths: [...checkpoint.paths], containers: [...checkpoint.containers] },
  };
}

function judgeLayer(layer: Layer, policy: Policy, ctx: MatchContext, checkpoint: { paths: Set<string>; containers: Set<string> }): JudgedCommand {
  const firedRules: FiredRule[] = [];
  guardChecks(layer, policy, firedRules);
  const view = new LayerView(layer, policy.syntaxOf(layer.program));
  const rules: readonly CompiledRule[] = policy.rulesFor(layer.program);
  for (const rule of rules) {
    const result = rule.test(view, ctx);
    if (result === 0 || (result === 1 && rule.permissive)) continue;
    const certain = result === 2;
    const detail = rule.detail(view);
    firedRules.push({ id: rule.id, decision: certain ? rule.decision : 'approval', reason: detail ? `${rule.reason} (${detail})` : rule.reason, certain });
    if (rule.touches) touchesOf(rule, view, checkpoint);
  }
  let decision: DecisionKind | null = null;
  let ruleId: string | null = null;
  let certain = false;
  for (const f of firedRules) {
    if (decision === null || STRICTNESS[f.decision] > STRICTNESS[decision] || (f.decision === decision && f.certain && !certain)) {
      decision = f.decision;
      ruleId = f.id;
      certain = f.certain;
    }
  }
  if (decision === null && !layer.transparent) {
    decision = policy.settings.defaultDecision;
    ruleId = 'default';
  }
  return {
    id: layer.id,
    parent: layer.parent,
    kind: layer.kind,
    text: layer.text,
    program: layer.program,
    programPath: layer.programPath,
    args: layer.args.map(displayValue),
    env: layer.assignments.map((a) => a.name),
    stdin: layer.stdin.kind,
    via: layer.via,
    executes: layer.exec.kind === 'none' ? null : layer.exec.kind,
    transparent: layer.transparent,
    decision,
    rule: ruleId,
    fired: firedRules,
  };
}
