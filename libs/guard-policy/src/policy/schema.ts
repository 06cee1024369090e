import { z } from 'zod';

/** A string or a list of strings, always handed on as a list. */
function list<T extends z.ZodType<string>>(item: T) {
  return z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(item).min(1));
}

const name = z.string().min(1);

/** Regular expressions are checked when the policy loads, not when a command arrives. */
const regex = z.string().min(1).superRefine((source, ctx) => {
  try {
    compileRegex(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression (${(error as Error).message})` });
  }
});

/** `(?i)` at the start makes a pattern case-insensitive (JavaScript has no inline flags). */
export function compileRegex(source: string): RegExp {
  if (source.startsWith('(?i)')) return new RegExp(source.slice(4), 'is');
  return new RegExp(source, 's');
}

const pathGlob = z.string().superRefine((glob, ctx) => {
  if (!(glob.startsWith('/') || glob.startsWith('~') || glob.startsWith('**'))) {
    ctx.addIssue({ code: 'custom', message: `must be an absolute path glob (start with /, ~ or **), got ${JSON.stringify(glob)}` });
  }
});

const flag = z.string().superRefine((value, ctx) => {
  if (!/^[-+]./.test(value)) ctx.addIssue({ code: 'custom', message: `must start with - or + (got ${JSON.stringify(value)})` });
});

export const DECISIONS = ['allow', 'approval', 'deny'] as const;
export const STDIN_KINDS = ['none', 'pipe', 'file', 'heredoc', 'herestring'] as const;
export const EXECUTION_KINDS = ['code', 'stdin', 'script', 'interactive', 'filter'] as const;
export const LAYER_KINDS = ['command', 'redirect', 'assignment', 'declaration', 'test', 'function-call'] as const;

const pathMatcher = z.strictObject({
  /** Fires when a path argument may be one of these. */
  any: list(pathGlob).optional(),
  /** …unless it certainly is one of these. */
  except: list(pathGlob).optional(),
  /** Fires when every path argument lies within these (and there is at least one). */
  within: list(pathGlob).optional(),
  /** Which arguments count: every path-like argument (default) or only the last operand (cp/mv/ln destination). */
  position: z.enum(['any', 'last']).default('any'),
});

export const matchSchema = z.strictObject({
  /** Program basenames (globs allowed): `rm`, `python*`. Redirections are `>` (write) and `<` (read). */
  program: list(name).optional(),
  /** The program path as written (`./x`, `/tmp/x`): only commands written with a `/`. */
  programPath: pathMatcher.optional(),
  /** First operand(s): `ps`, `compose up`, `container rm`. */
  subcommand: list(name).optional(),
  flags: z
    .strictObject({
      /** At least one present (`-r` also matches `-rf`; `--recursive` also `--recursive=x`). */
      any: list(flag).optional(),
      /** All present. */
      all: list(flag).optional(),
      /** None present. */
      none: list(flag).optional(),
    })
    .optional(),
  /** Options with a value: `{ name: [-d, --data], value: '^@' }`; without `value` any value fires. */
  options: z.array(z.strictObject({ name: list(flag), value: regex.optional() })).min(1).optional(),
  args: z
    .strictObject({
      /** Operands after the subcommand: at least / at most this many. */
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
      /** Some argument (option or operand) matches one of these. */
      anyMatch: list(regex).optional(),
      /** No argument matches any of these. */
      noneMatch: list(regex).optional(),
      /** The last operand matches one of these. */
      lastMatch: list(regex).optional(),
      /** true: some operand comes from an expansion or substitution (a computed list); false: none does. */
      dynamic: z.boolean().optional(),
    })
    .optional(),
  /** Regular expressions on `program arg1 arg2 …` (values after quote removal). */
  argv: list(regex).optional(),
  paths: pathMatcher.optional(),
  /** Environment assignments on the command, its wrappers, or export/declare (globs: `LD_*`). */
  env: list(name).optional(),
  stdin: list(z.enum(STDIN_KINDS)).optional(),
  /** Some earlier stage of the pipeline feeding this command runs one of these programs. */
  pipedFrom: list(name).optional(),
  /** Anywhere in the whole command line (all layers) one of these programs runs. */
  lineHas: list(name).optional(),
  /** What the program runs: inline `code`, code from `stdin`, a `script` file, `interactive`, or a `filter` program (awk/sed). */
  executes: list(z.enum(EXECUTION_KINDS)).optional(),
  /**
   * Regular expressions on that program text (inline code, awk/sed programs, stdin code when known).
   * Shell code (sh -c, eval, bash <<<) is parsed and judged command by command instead.
   */
  code: list(regex).optional(),
  kind: list(z.enum(LAYER_KINDS)).optional(),
  /** Target host name globs. */
  host: list(name).optional(),
  /** Caller role globs. */
  role: list(name).optional(),
});

const touchesSchema = z.strictObject({
  /** `$PATH_ARGS` (absolute path arguments), `$LAST_ARG`, `$ARGS`, or absolute paths. */
  paths: list(name).optional(),
  /** `$ARGS` (operands after the subcommand), `$LAST_ARG`, or container names. */
  containers: list(name).optional(),
});

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes' }),
  description: z.string().optional(),
  decision: z.enum(DECISIONS),
  /** Shown to the caller and the approver. */
  reason: z.string().min(1),
  match: matchSchema,
  touches: touchesSchema.optional(),
});

const settingsSchema = z.strictObject({
  /** What happens when no rule covers a command: approval (default) or deny. */
  defaultDecision: z.enum(['approval', 'deny']).default('approval'),
  /** How deep `sh -c` / `eval` / `bash <<<` code may nest. */
  maxDepth: z.number().int().min(1).max(16).default(6),
  maxCommandLength: z.number().int().min(1).max(1_048_576).default(8192),
  /** Simple commands (after unwrapping) one request may contain. */
  maxCommands: z.number().int().min(1).max(10_000).default(256),
  /** Programs written with a path outside these directories need approval. */
  trustedProgramDirs: list(pathGlob).default(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']),
});

const programSchema = z.strictObject({
  /** Options that take a separate value, so the value is not mistaken for a subcommand or operand. */
  valueOptions: list(flag).optional(),
  /** More value-taking options after a given subcommand (`run: [-v, -e]` for `docker run`). */
  subcommands: z.record(z.string().min(1), z.array(flag)).optional(),
  /** The first operand is a pattern or program text, not a path, unless one of these options is given (`[-e, -f]` for grep). */
  patternFirst: z.array(flag).optional(),
});

export const policySchema = z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  settings: settingsSchema.default(settingsSchema.parse({})),
  programs: z.record(z.string().min(1), programSchema).default({}),
  rules: z.array(ruleSchema).min(1),
});

export type PolicyDocument = z.infer<typeof policySchema>;
export type RuleDocument = z.infer<typeof ruleSchema>;
export type MatchDocument = z.infer<typeof matchSchema>;
