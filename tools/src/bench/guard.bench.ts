// npm run bench:guard — jarvis-guard decisions per second on one core, and
// p50/p99 latency, for a mixed workload: the default-policy test corpus (every
// allow/approval/deny class, GTFOBins bypasses, parse errors…) replayed in a
// loop. The baseline in the same run is a raw tree-sitter-bash parse of the
// same commands, so the ratio shows what the policy itself costs (extraction,
// unwrapping, quote resolution, path globs, rules).
//
// Sections are independent; the audit-append measurement (hash chain against
// plain inserts) lives in bench:audit and can be added to SECTIONS below.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import { parse } from 'yaml';
import { createGuardEvaluator, defaultPolicyPath, loadPolicy, type DecisionKind, type GuardEvaluator } from '@homelab/guard-policy';
import { summarize, type LatencySummary } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = join(root, 'libs/guard-policy/src/corpus/default-policy.corpus.yaml');
const DECISIONS = Number(process.env['BENCH_GUARD_DECISIONS'] ?? 200_000);
const WARMUP = Number(process.env['BENCH_GUARD_WARMUP'] ?? 20_000);
const BLOCK = 2_000;
const GOAL_PER_SECOND = 20_000;
const GOAL_P99_US = 2_000;

interface CorpusGroup {
  class: string;
  expect: DecisionKind;
  commands: (string | { command: string })[];
}

function loadWorkload(): { commands: string[]; mix: Record<string, number> } {
  const groups = parse(readFileSync(CORPUS, 'utf8')) as CorpusGroup[];
  const commands: string[] = [];
  const mix: Record<string, number> = {};
  for (const group of groups) {
    for (const entry of group.commands) {
      commands.push(typeof entry === 'string' ? entry : entry.command);
      mix[group.expect] = (mix[group.expect] ?? 0) + 1;
    }
  }
  return { commands, mix };
}

/** CPU seconds (user + system) this process has used. */
function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

interface Measurement {
  perSecond: number;
  perCpuSecond: number;
  latency: LatencySummary;
}

/** Runs `work` over the commands in round-robin from `start`, timing each call. */
function measure(commands: readonly string[], start: number, total: number, work: (command: string) => unknown, samples: number[]): { wallMs: number; cpuS: number } {
  const cpuBefore = cpuSeconds();
  const begin = performance.now();
  for (let i = start; i < start + total; i++) {
    const command = commands[i % commands.length] as string;
    const started = performance.now();
    work(command);
    samples.push(performance.now() - started);
  }
  return { wallMs: performance.now() - begin, cpuS: cpuSeconds() - cpuBefore };
}

/** Alternating blocks so both paths see the same machine conditions. */
function interleaved(commands: readonly string[], total: number, a: (c: string) => unknown, b: (c: string) => unknown): [Measurement, Measurement] {
  const samples: [number[], number[]] = [[], []];
  const wall = [0, 0];
  const cpu = [0, 0];
  for (let done = 0; done < total; done += BLOCK) {
    const ra = measure(commands, done, BLOCK, a, samples[0]);
    const rb = measure(commands, done, BLOCK, b, samples[1]);
    wall[0] += ra.wallMs;
    cpu[0] += ra.cpuS;
    wall[1] += rb.wallMs;
    cpu[1] += rb.cpuS;
  }
  const result = (k: 0 | 1): Measurement => {
    const count = samples[k].length;
    return { perSecond: count / ((wall[k] ?? 1) / 1000), perCpuSecond: count / (cpu[k] || Number.EPSILON), latency: summarize(samples[k]) };
  };
  return [result(0), result(1)];
}

async function rawParser(): Promise<(command: string) => boolean> {
  const require = createRequire(import.meta.url);
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
  return (command) => {
    const tree = parser.parse(command);
    const broken = tree?.rootNode.hasError ?? true;
    tree?.delete();
    return broken;
  };
}

function row(name: string, m: Measurement): string {
  return `${name.padEnd(28)} ${m.perSecond.toFixed(0).padStart(9)} ${m.perCpuSecond.toFixed(0).padStart(11)} ${m.latency.p50Us.toFixed(1).padStart(8)} ${m.latency.p99Us.toFixed(1).padStart(8)} ${m.latency.meanUs.toFixed(1).padStart(8)}`;
}

function slowest(evaluator: GuardEvaluator, commands: readonly string[], count: number): string[] {
  const timed = commands.map((command) => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) evaluator.evaluate({ command });
    return { command, us: ((performance.now() - started) / 20) * 1000 };
  });
  timed.sort((x, y) => y.us - x.us);
  return timed.slice(0, count).map((t) => `  ${t.us.toFixed(0).padStart(5)} µs  ${t.command.replace(/\n/g, '⏎').slice(0, 90)}`);
}

// ---- section: decisions ------------------------------------------------------

async function decisionsSection(): Promise<void> {
  const { commands, mix } = loadWorkload();
  const evaluator = await createGuardEvaluator(await loadPolicy(defaultPolicyPath));
  const parseOnly = await rawParser();
  const decide = (command: string) => evaluator.evaluate({ command, host: 'lab-1', role: 'operator' });

  for (let i = 0; i < WARMUP; i++) {
    decide(commands[i % commands.length] as string);
    parseOnly(commands[i % commands.length] as string);
  }
  const [decisions, baseline] = interleaved(commands, DECISIONS, decide, parseOnly);

  console.log(`\njarvis-guard decisions — ${commands.length} corpus commands (${Object.entries(mix).map(([k, v]) => `${v} ${k}`).join(', ')}), ${DECISIONS} calls each path, one thread`);
  console.log(`${'path'.padEnd(28)} ${'calls/s'.padStart(9)} ${'calls/CPU-s'.padStart(11)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)} ${'mean µs'.padStart(8)}`);
  console.log(row('evaluate (default policy)', decisions));
  console.log(row('baseline: tree-sitter parse', baseline));
  console.log(`policy cost: ${(decisions.latency.meanUs / baseline.latency.meanUs).toFixed(2)}× a bare parse (mean), ${(decisions.latency.meanUs - baseline.latency.meanUs).toFixed(1)} µs per decision on top of it`);
  const rateOk = decisions.perSecond >= GOAL_PER_SECOND;
  const p99Ok = decisions.latency.p99Us < GOAL_P99_US;
  console.log(`goal ≥ ${GOAL_PER_SECOND.toLocaleString('en')} decisions/s: ${rateOk ? 'met' : 'MISSED'} (${decisions.perSecond.toFixed(0)}); goal p99 < ${GOAL_P99_US / 1000} ms: ${p99Ok ? 'met' : 'MISSED'} (${(decisions.latency.p99Us / 1000).toFixed(3)} ms)`);
  console.log('slowest commands (mean of 20):');
  for (const line of slowest(evaluator, commands, 5)) console.log(line);
}

// ---- sections ---------------------------------------------------------------
// Add further measurements here (e.g. audit appends with the hash chain
// against plain inserts, see audit.bench.ts) as { name, run }.

const SECTIONS: { name: string; run: () => Promise<void> }[] = [{ name: 'decisions', run: decisionsSection }];

for (const section of SECTIONS) await section.run();
