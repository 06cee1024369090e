import type { PathPattern } from '../glob/paths.js';
import type { Word } from './words.js';

export type DecisionKind = 'allow' | 'approval' | 'deny';

/** Strictness order: deny wins over approval over allow. */
export const STRICTNESS: Readonly<Record<DecisionKind, number>> = { allow: 0, approval: 1, deny: 2 };

export function stricter(a: DecisionKind, b: DecisionKind): DecisionKind {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

/**
 * What a layer is:
 *  - `command`: a program with arguments;
 *  - `redirect`: a file a redirection opens (`>` writes, `<` reads);
 *  - `assignment`: `NAME=value` as a statement of its own;
 *  - `declaration`: export/declare/local/readonly/typeset/unset;
 *  - `test`: `[ … ]` / `[[ … ]]`;
 *  - `function-call`: a call of a function defined in the same code (its body is judged).
 */
export type LayerKind = 'command' | 'redirect' | 'assignment' | 'declaration' | 'test' | 'function-call';

export type StdinKind = 'none' | 'pipe' | 'file' | 'heredoc' | 'herestring';

export interface Stdin {
  readonly kind: StdinKind;
  /** Programs earlier in the pipeline (for `pipe`). */
  readonly from: readonly string[];
  /** The text fed in, when static (here-documents and here-strings); null when unknown. */
  readonly text: string | null;
  /** When the previous pipeline stage is `find START…`: what it prints lies below these. */
  readonly findStarts: readonly PathPattern[] | null;
}

export const NO_STDIN: Stdin = { kind: 'none', from: [], text: null, findStarts: null };

export interface Assignment {
  readonly name: string;
  readonly value: Word;
}

/**
 * What a layer runs besides its own program:
 *  - `wrapper`: another command (its layers follow, with this layer as parent);
 *  - `code`: interpreter code from an argument (`python -c`, `perl -e`) or a
 *    shell's `-c` string (then it is parsed and judged as well);
 *  - `stdin`: an interpreter or shell reading its program from stdin;
 *  - `script`: a program file (`bash x.sh`, `source x`, `python x.py`);
 *  - `interactive`: an interactive shell or interpreter;
 *  - `filter`: an awk/sed program (ordinary data tools, but their text is checked).
 */
export type ExecutionKind = 'none' | 'wrapper' | 'code' | 'stdin' | 'script' | 'interactive' | 'filter';

export interface Execution {
  readonly kind: ExecutionKind;
  readonly language: string | null;
  /** Program text when known (null: unknown or built from an expansion). */
  readonly text: string | null;
  /** How it was unwrapped, e.g. `sudo`, `sh -c`, `find -exec`. */
  readonly label: string | null;
}

export const NO_EXECUTION: Execution = { kind: 'none', language: null, text: null, label: null };

/** A finding of the guard itself (not of a policy rule), with a fixed id `guard:*`. */
export interface Note {
  readonly id: string;
  readonly decision: DecisionKind;
  readonly reason: string;
}

/** One simple command (or redirection, assignment…) found in the command line, after unwrapping. */
export interface Layer {
  readonly id: number;
  /** The wrapper layer this one was unwrapped from, or null. */
  readonly parent: number | null;
  readonly kind: LayerKind;
  /** Source text (for people). */
  readonly text: string;
  readonly programWord: Word | null;
  /** Basename of the program; null when it comes from an expansion. */
  readonly program: string | null;
  /** The program as written, normalised, when written with a `/`. */
  readonly programPath: string | null;
  readonly args: readonly Word[];
  /** Per argument: a path pattern standing in for it (find's `{}`, xargs input). */
  readonly argPaths: ReadonlyMap<number, PathPattern>;
  readonly assignments: Assignment[];
  readonly stdin: Stdin;
  /** Wrapper chain, outermost first. */
  readonly via: readonly string[];
  /** Nesting of parsed code (`sh -c`, `eval`…); 0 for the command line itself. */
  readonly depth: number;
  exec: Execution;
  /** A wrapper whose inner command is judged instead; it counts only if a rule names it. */
  transparent: boolean;
  readonly background: boolean;
  readonly notes: Note[];
}
