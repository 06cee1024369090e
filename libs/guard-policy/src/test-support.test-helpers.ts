import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createGuardEvaluator, type Decision, type EvaluationRequest, type GuardEvaluator } from './evaluate.js';
import { defaultPolicyPath } from './index.js';
import { loadPolicy, parsePolicy } from './policy/load.js';
import { Extractor } from './shell/extract.js';
import type { Layer } from './shell/model.js';
import { ShellParser } from './shell/parser.js';

let shared: Promise<GuardEvaluator> | null = null;

/** One evaluator with the shipped default policy, shared by a test file. */
export function defaultEvaluator(): Promise<GuardEvaluator> {
  shared ??= loadPolicy(defaultPolicyPath).then((policy) => createGuardEvaluator(policy));
  return shared;
}

export async function decide(command: string, request: Omit<EvaluationRequest, 'command'> = {}): Promise<Decision> {
  return (await defaultEvaluator()).evaluate({ command, ...request });
}

/** An evaluator for a small inline policy (rules only; version added). */
export async function evaluatorFor(rulesYaml: string): Promise<GuardEvaluator> {
  return createGuardEvaluator(parsePolicy(`version: 1\nrules:\n${rulesYaml}`, 'test.yaml'));
}

/** The simple commands the extractor finds, without any policy. */
export async function layersOf(command: string): Promise<{ layers: readonly Layer[]; notes: readonly { id: string }[] }> {
  const parser = await ShellParser.load();
  return Extractor.extract(parser, command, { maxDepth: 6, maxLayers: 256 });
}

/** `program arg arg` of every command layer (redirects as `> target`), for compact assertions. */
export async function commandsOf(command: string): Promise<string[]> {
  const { layers } = await layersOf(command);
  return layers.map((layer) => [layer.program ?? '<dynamic>', ...layer.args.map((a) => (a.dynamic ? `<${a.text}>` : a.value))].join(' '));
}

export interface CorpusCase {
  readonly cls: string;
  readonly command: string;
  readonly expect: 'allow' | 'approval' | 'deny';
  readonly host?: string;
  readonly role?: string;
}

export const corpusPath = fileURLToPath(new URL('./corpus/default-policy.corpus.yaml', import.meta.url));

interface CorpusGroup {
  class: string;
  expect: CorpusCase['expect'];
  commands: (string | { command: string; host?: string; role?: string; expect?: CorpusCase['expect'] })[];
}

export function loadCorpus(): CorpusCase[] {
  const groups = parse(readFileSync(corpusPath, 'utf8')) as CorpusGroup[];
  return groups.flatMap((group) =>
    group.commands.map((entry) =>
      typeof entry === 'string'
        ? { cls: group.class, command: entry, expect: group.expect }
        : { cls: group.class, command: entry.command, expect: entry.expect ?? group.expect, host: entry.host, role: entry.role },
    ),
  );
}
