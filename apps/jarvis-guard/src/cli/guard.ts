#!/usr/bin/env node
// `npm run -s guard -- evaluate|explain …`: judge shell commands against a
// jarvis-guard policy from the command line.
import { createInterface } from 'node:readline';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { processEnvironment } from '@homelab/config';
import { AUDIT_VERIFY_USAGE, runAuditVerifyCli } from '@homelab/guard-audit';
import { runRollbackCli } from './rollback.js';
import { createGuardEvaluator, loadPolicy, PolicyError, type Decision, type GuardEvaluator } from '@homelab/guard-policy';

/** The policy that ships with the app, resolved from this file (src/cli or dist/cli), not from the working directory. */
export const APP_DEFAULT_POLICY = fileURLToPath(new URL('../../policy/default-policy.yaml', import.meta.url));

export const USAGE = `Usage:
  guard evaluate [--policy FILE] [--host HOST] [--role ROLE]
      Reads one shell command per line from stdin; prints one JSON object per
      line: {"command","decision","rule","reason"[,"displayCommand"][,"checkpoint"]}.
  guard rollback <checkpoint-id> [--url URL] [--token-file FILE]
      Restores what an approved change touched (asks the running guard).
  guard audit verify [--json] …
      Verifies the audit chain and its signed head (see \`guard audit verify --help\`).
  guard explain '<command>' [--policy FILE] [--host HOST] [--role ROLE] [--json]
      Prints every simple command found (after unwrapping sudo, sh -c, xargs…)
      and each rule that fired.

The default policy is ${APP_DEFAULT_POLICY}.
Exit status: 0 done, 2 bad usage or a policy that does not load.
`;

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Where relative --policy paths start (npm runs scripts from the repository root). */
  readonly cwd: string;
}

/** A further subcommand (the app registers `audit verify` this way). */
export type CliCommand = (args: readonly string[], io: CliIo) => Promise<number>;

interface Options {
  policy: string;
  host: string | undefined;
  role: string | undefined;
  json: boolean;
  positionals: string[];
}

function readOptions(args: readonly string[], cwd: string): Options {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      policy: { type: 'string' },
      host: { type: 'string' },
      role: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new HelpRequested();
  const policy = values.policy === undefined ? APP_DEFAULT_POLICY : isAbsolute(values.policy) ? values.policy : resolve(cwd, values.policy);
  return { policy, host: values.host, role: values.role, json: values.json, positionals };
}

class HelpRequested extends Error {}

async function evaluatorFor(options: Options, io: CliIo): Promise<GuardEvaluator | null> {
  try {
    return await createGuardEvaluator(await loadPolicy(options.policy));
  } catch (error) {
    const message = error instanceof PolicyError ? error.message : `cannot load the policy: ${(error as Error).message}`;
    io.stderr.write(`guard: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return null;
  }
}

/** One output line of `evaluate`. */
export function decisionLine(decision: Decision): string {
  const line: Record<string, unknown> = {
    command: decision.command,
    decision: decision.decision,
    rule: decision.rule,
    reason: decision.reason,
  };
  if (decision.displayCommand !== decision.command) line['displayCommand'] = decision.displayCommand;
  if (decision.checkpoint.paths.length > 0 || decision.checkpoint.containers.length > 0) line['checkpoint'] = decision.checkpoint;
  return JSON.stringify(line);
}

async function evaluate(options: Options, io: CliIo): Promise<number> {
  if (options.positionals.length > 0) {
    io.stderr.write(`guard evaluate: reads commands from stdin, not arguments (got ${JSON.stringify(options.positionals[0])})\n`);
    return 2;
  }
  const evaluator = await evaluatorFor(options, io);
  if (!evaluator) return 2;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const raw of lines) {
    // input framing, not part of the command: a CRLF line ending
    const command = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    io.stdout.write(`${decisionLine(evaluator.evaluate({ command, host: options.host, role: options.role }))}\n`);
  }
  return 0;
}

async function explain(options: Options, io: CliIo): Promise<number> {
  if (options.positionals.length === 0) {
    io.stderr.write(`guard explain: give the command to explain, e.g. guard explain 'sudo rm -rf /tmp/x'\n`);
    return 2;
  }
  const evaluator = await evaluatorFor(options, io);
  if (!evaluator) return 2;
  const request = { command: options.positionals.join(' '), host: options.host, role: options.role };
  io.stdout.write(options.json ? `${JSON.stringify(evaluator.evaluate(request), null, 2)}\n` : `${evaluator.explain(request)}\n`);
  return 0;
}

const BUILT_IN: Readonly<Record<string, (options: Options, io: CliIo) => Promise<number>>> = { evaluate, explain };

/** Runs the CLI; returns the exit status. `extra` adds subcommands (their arguments are passed as given). */
export async function main(argv: readonly string[], io: CliIo, extra: Readonly<Record<string, CliCommand>> = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const added = extra[command];
  if (added) return added(rest, io);
  const run = BUILT_IN[command];
  if (!run) {
    io.stderr.write(`guard: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  let options: Options;
  try {
    options = readOptions(rest, io.cwd);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout.write(USAGE);
      return 0;
    }
    io.stderr.write(`guard ${command}: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  return run(options, io);
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(entry).href;
}

if (invokedDirectly()) {
  // eslint-disable-next-line no-restricted-syntax -- npm runs scripts from the repository root; INIT_CWD is where the operator typed the command
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  const env = processEnvironment();
  const audit: CliCommand = (args, io) =>
    args[0] === 'verify' ? runAuditVerifyCli(args.slice(1), env, io.stdout) : Promise.resolve((io.stderr.write(AUDIT_VERIFY_USAGE), 2));
  const rollback: CliCommand = (args, io) => runRollbackCli(args, io, env);
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd }, { audit, rollback }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`guard: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
