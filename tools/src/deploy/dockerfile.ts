/**
 * A small Dockerfile reader: instructions with their line, `\` line
 * continuations, comment lines (also inside continuations, as BuildKit
 * allows), stages split at FROM, and the helpers the checks need (flags,
 * exec form, build-time variable substitution). Heredocs are not supported.
 */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  args: string;
  line: number;
}

export interface Stage {
  index: number;
  name: string | undefined;
  /** The FROM argument as written (may contain ${ARG}). */
  base: string;
  from: Instruction;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM: usable in FROM lines. */
  globalArgs: Instruction[];
  stages: Stage[];
}

export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    // comment and empty lines are skipped, also inside a continuation
    if (trimmed.startsWith('#') || trimmed === '') return;
    const continued = /\\$/.test(trimmed);
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending ??= { parts: [], line: i + 1 };
    if (part) pending.parts.push(part);
    if (continued) return;
    const joined = pending.parts.join(' ');
    const match = /^(\S+)\s*([\s\S]*)$/.exec(joined);
    if (match) instructions.push({ keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '', line: pending.line });
    pending = undefined;
  });
  return instructions;
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const { rest } = splitFlags(instruction.args);
      const [base = '', as, name] = rest.split(/\s+/);
      stages.push({
        index: stages.length,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        base,
        from: instruction,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') globalArgs.push(instruction);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `--from=build --chown=1:1 a b` → flags and the rest. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args.trim();
  for (let match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest); match; match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[match[1] ?? ''] = match[2] ?? 'true';
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

/** The JSON array of an exec-form instruction, or undefined for the shell form. */
export function execForm(rest: string): string[] | undefined {
  if (!rest.trim().startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(rest);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `KEY=value KEY2="v 2"` (or the legacy `KEY value`) of ENV, ARG and LABEL. */
export function keyValues(args: string): Map<string, string | undefined> {
  const result = new Map<string, string | undefined>();
  const legacy = /^([A-Za-z_][\w.-]*)\s+([^=]*)$/.exec(args.trim());
  if (legacy && !args.includes('=')) {
    result.set(legacy[1] ?? '', legacy[2]?.trim());
    return result;
  }
  const pattern = /([A-Za-z_][\w.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  for (const match of args.matchAll(pattern)) {
    const raw = match[2];
    result.set(match[1] ?? '', raw === undefined ? undefined : raw.replace(/^(["'])([\s\S]*)\1$/, '$2'));
  }
  return result;
}

/** Names referenced as `$NAME` or `${NAME…}`. */
export function referencedVariables(text: string): string[] {
  return [...text.matchAll(/\$(?:\{([A-Za-z_]\w*)[^}]*\}|([A-Za-z_]\w*))/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** Build-time substitution of `${NAME}`, `$NAME`, `${NAME:-default}`, `${NAME:+alt}`. */
export function substitute(text: string, values: ReadonlyMap<string, string | undefined>): string {
  return text.replace(/\$(?:\{([A-Za-z_]\w*)(?::([-+])([^}]*))?\}|([A-Za-z_]\w*))/g, (_all, braced, op, word, plain) => {
    const name = (braced ?? plain) as string;
    const value = values.get(name);
    if (op === '-') return value ? value : ((word as string | undefined) ?? '');
    if (op === '+') return value ? ((word as string | undefined) ?? '') : '';
    return value ?? '';
  });
}

export function stageInstructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
