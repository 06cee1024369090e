import { posix } from 'node:path';
import { isIgnored, type IgnoreRule } from './dockerignore.js';
import {
  execForm,
  keyValues,
  referencedVariables,
  splitFlags,
  stageInstructions,
  substitute,
  type Dockerfile,
  type Instruction,
  type Stage,
} from './dockerfile.js';
import { checkServiceEnv } from './env-rules.js';
import { checkImage, parseImageRef } from './images.js';
import { problem, type Problem } from './problems.js';
import { buildableApps, type RepoFacts } from './repo-facts.js';

export interface DockerfileContext {
  facts: RepoFacts;
  ignore: readonly IgnoreRule[];
  /** Path of the Dockerfile for messages, e.g. `docker/Dockerfile`. */
  file: string;
}

/** The build argument that selects the service. */
export const APP_ARG = 'APP';
const MIN_NODE_MAJOR = 20;
/** Where Docker expands variables at build time; RUN leaves it to the shell, CMD & co. to run time. */
const BUILD_TIME_EXPANSION = new Set(['ADD', 'COPY', 'ENV', 'EXPOSE', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'RUN']);
const RUN_TIME = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

const where = (ctx: DockerfileContext, instruction: Instruction) => `${ctx.file}:${instruction.line} ${instruction.keyword}`;

function argNames(df: Dockerfile): Set<string> {
  const all = [...df.globalArgs, ...df.stages.flatMap((s) => stageInstructions(s, 'ARG'))];
  return new Set(all.flatMap((i) => [...keyValues(i.args).keys()]));
}

function globalArgDefaults(df: Dockerfile): Map<string, string | undefined> {
  return new Map(df.globalArgs.flatMap((i) => [...keyValues(i.args)]));
}

/** The stage a FROM or COPY --from names: by name or index, only earlier ones. */
function stageNamed(df: Dockerfile, ref: string, before: number): Stage | undefined {
  return df.stages.find((s) => s.index < before && (s.name?.toLowerCase() === ref.toLowerCase() || String(s.index) === ref));
}

/** The stage and the stages it is built FROM, nearest first. */
function lineage(df: Dockerfile, stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let current: Stage | undefined = stage; current; current = stageNamed(df, current.base, current.index)) chain.push(current);
  return chain;
}

/** ENV values in effect at the end of a stage (ENV is inherited by FROM <stage>, ARG is not). */
function stageEnv(df: Dockerfile, stage: Stage): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const s of lineage(df, stage).reverse()) {
    for (const i of stageInstructions(s, 'ENV')) for (const [k, v] of keyValues(i.args)) env.set(k, v);
  }
  return env;
}

function checkStages(df: Dockerfile, ctx: DockerfileContext): Problem[] {
  if (df.stages.length === 0) return [problem(ctx.file, 'no FROM instruction')];
  const problems: Problem[] = [];
  if (df.stages.length < 2) problems.push(problem(ctx.file, 'not a multi-stage build: build tools would ship in the image'));
  const names = df.stages.flatMap((s) => (s.name ? [s.name.toLowerCase()] : []));
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) problems.push(problem(ctx.file, `stage names used twice: ${duplicates.join(', ')}`));
  return problems;
}

function checkBaseImage(df: Dockerfile, stage: Stage, ctx: DockerfileContext): Problem[] {
  const at = where(ctx, stage.from);
  if (stageNamed(df, stage.base, stage.index)) return [];
  const defaults = globalArgDefaults(df);
  const unknown = referencedVariables(stage.base).filter((name) => !defaults.has(name));
  if (unknown.length > 0) return [problem(at, `FROM uses ${unknown.join(', ')}, which is no ARG before the first FROM`)];
  const resolved = substitute(stage.base, defaults);
  const problems = checkImage(resolved, at, ctx.facts);
  const image = parseImageRef(resolved);
  const major = Number(/^(\d+)/.exec(image.tag ?? '')?.[1]);
  if (image.repository === 'node' && !(major >= MIN_NODE_MAJOR)) {
    problems.push(problem(at, `base image ${resolved}: the services need Node ${MIN_NODE_MAJOR} or later`));
  }
  return problems;
}

/** Build arguments are per stage: one used where it was not declared expands to nothing. */
function checkVariableScopes(df: Dockerfile, stage: Stage, ctx: DockerfileContext): Problem[] {
  const args = argNames(df);
  const declared = new Set<string>(
    lineage(df, stage)
      .slice(1)
      .flatMap((s) => stageInstructions(s, 'ENV').flatMap((i) => [...keyValues(i.args).keys()])),
  );
  const env = new Set(declared);
  const problems: Problem[] = [];
  for (const instruction of stage.instructions) {
    const runtime = RUN_TIME.has(instruction.keyword);
    if (BUILD_TIME_EXPANSION.has(instruction.keyword) || runtime) {
      const text = `${instruction.args} ${[...instruction.args.matchAll(/process\.env\.(\w+)/g)].map((m) => `$${m[1]}`).join(' ')}`;
      for (const name of new Set(referencedVariables(text))) {
        if (!args.has(name)) continue;
        if (runtime && !env.has(name)) problems.push(problem(where(ctx, instruction), `uses ${name} at run time, but no ENV ${name} exists in this stage`));
        else if (!runtime && !declared.has(name)) problems.push(problem(where(ctx, instruction), `uses ${name}, but this stage declares no ARG ${name}`));
      }
    }
    if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
      for (const name of keyValues(instruction.args).keys()) declared.add(name);
    }
    if (instruction.keyword === 'ENV') for (const name of keyValues(instruction.args).keys()) env.add(name);
  }
  return problems;
}

function copyParts(instruction: Instruction): { flags: Record<string, string>; sources: string[]; dest: string } {
  const { flags, rest } = splitFlags(instruction.args);
  const parts = execForm(rest) ?? rest.split(/\s+/).filter(Boolean);
  return { flags, sources: parts.slice(0, -1), dest: parts.at(-1) ?? '' };
}

function normalizePath(path: string): string {
  const cleaned = posix.normalize(path.replace(/\$APP\b/g, '${APP}')).replace(/\/+$/, '');
  return cleaned === '.' ? '' : cleaned.replace(/^\.\//, '');
}

/** Sources of COPY/ADD from the build context must exist and be part of the context. */
function checkContextSources(df: Dockerfile, stage: Stage, ctx: DockerfileContext): Problem[] {
  const apps = buildableApps(ctx.facts);
  const problems: Problem[] = [];
  for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    const { flags, sources } = copyParts(instruction);
    const from = flags['from'];
    if (from !== undefined) {
      if (!stageNamed(df, from, stage.index)) problems.push(problem(where(ctx, instruction), `--from=${from} is no earlier stage`));
      continue;
    }
    for (const source of sources) {
      const expanded = referencedVariables(source).includes(APP_ARG)
        ? apps.map((app) => substitute(source, new Map([[APP_ARG, app]])))
        : [source];
      for (const path of expanded.map(normalizePath)) {
        if (/[*?[]/.test(path)) continue;
        if (!ctx.facts.files.exists(path)) problems.push(problem(where(ctx, instruction), `source ${path} does not exist`));
        else if (path && isIgnored(ctx.ignore, path)) problems.push(problem(where(ctx, instruction), `source ${path} is excluded by .dockerignore`));
      }
    }
  }
  return problems;
}

function checkUser(final: Stage, ctx: DockerfileContext): Problem[] {
  const user = stageInstructions(final, 'USER').at(-1);
  if (!user) return [problem(`${ctx.file} (final stage)`, 'no USER: the service would run as root')];
  const uid = user.args.trim().split(':')[0] ?? '';
  if (!/^\d+$/.test(uid)) return [problem(where(ctx, user), `USER ${user.args}: use a numeric UID so runAsNonRoot can verify it`)];
  return uid === '0' ? [problem(where(ctx, user), 'USER 0 is root')] : [];
}

/** The ENV that carries the APP build argument into run time, e.g. `ENV APP=${APP}`. */
function appCarrier(env: ReadonlyMap<string, string | undefined>): string | undefined {
  return [...env].find(([, value]) => value === `\${${APP_ARG}}` || value === `$${APP_ARG}`)?.[0];
}

function checkRuntimeEnv(df: Dockerfile, final: Stage, ctx: DockerfileContext): Problem[] {
  const env = stageEnv(df, final);
  const at = `${ctx.file} (final stage) ENV`;
  const problems: Problem[] = [];
  if (env.get('NODE_ENV') !== 'production') problems.push(problem(at, 'NODE_ENV must be production'));
  if (env.get('HTTP_HOST') !== '0.0.0.0') problems.push(problem(at, 'HTTP_HOST must be 0.0.0.0 (the default 127.0.0.1 is unreachable from outside the container)'));
  const carrier = appCarrier(env);
  const entries = [...env].filter(([name]) => name !== carrier).map(([name, value]) => ({ name, value, where: at }));
  const seen = new Set<string>();
  for (const service of ctx.facts.services.values()) {
    for (const found of checkServiceEnv(service, entries)) {
      // the same problem for every service is reported once
      if (!seen.has(found.message.replace(service.name, ''))) problems.push(found);
      seen.add(found.message.replace(service.name, ''));
    }
  }
  return problems;
}

function checkExpose(final: Stage, ctx: DockerfileContext): Problem[] {
  const exposed = stageInstructions(final, 'EXPOSE').flatMap((i) => i.args.split(/\s+/).filter(Boolean).map((p) => Number(p.split('/')[0])));
  const ports = new Set([...ctx.facts.services.values()].map((s) => s.defaultHttpPort));
  const at = `${ctx.file} (final stage) EXPOSE`;
  const problems = exposed.filter((p) => !ports.has(p)).map((p) => problem(at, `${p} is no service's HTTP_PORT`));
  const missing = [...ports].filter((p) => !exposed.includes(p));
  if (missing.length > 0) problems.push(problem(at, `does not document port(s) ${missing.join(', ')}`));
  return problems;
}

function commandText(rest: string): string {
  return (execForm(rest) ?? [rest]).join(' ');
}

function checkHealthcheck(final: Stage, ctx: DockerfileContext): Problem[] {
  const healthcheck = stageInstructions(final, 'HEALTHCHECK').at(-1);
  if (!healthcheck) return [problem(`${ctx.file} (final stage)`, 'no HEALTHCHECK')];
  const at = where(ctx, healthcheck);
  const { rest } = splitFlags(healthcheck.args);
  if (/^NONE\b/i.test(rest)) return [problem(at, 'HEALTHCHECK NONE disables the health check')];
  const command = commandText(rest.replace(/^CMD\s+/i, ''));
  const path = /(?:127\.0\.0\.1|localhost)[^/]*?(\/[\w\-/]*)/.exec(command)?.[1];
  const problems: Problem[] = [];
  if (path !== ctx.facts.healthPath) {
    problems.push(problem(at, `must request http://127.0.0.1:<HTTP_PORT>${ctx.facts.healthPath} (found ${path ?? 'no loopback URL'})`));
  }
  if (!command.includes('HTTP_PORT')) problems.push(problem(at, 'must use the HTTP_PORT the service listens on'));
  return problems;
}

/** `[sh, -c, "exec node …"]` → the node argv; `[node, …]` as is. */
function nodeArgv(argv: readonly string[]): { argv: string[]; viaShell: boolean; execs: boolean } {
  const [first = '', second] = argv;
  if (/(^|\/)(ba)?sh$/.test(first) && second === '-c') {
    const script = argv[2] ?? '';
    const words = [...script.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
    const execs = words[0] === 'exec';
    return { argv: execs ? words.slice(1) : words, viaShell: true, execs };
  }
  return { argv: [...argv], viaShell: false, execs: true };
}

function checkCommand(df: Dockerfile, final: Stage, ctx: DockerfileContext): Problem[] {
  const cmd = stageInstructions(final, 'CMD').at(-1);
  if (!cmd) return [problem(`${ctx.file} (final stage)`, 'no CMD')];
  const at = where(ctx, cmd);
  const exec = execForm(cmd.args);
  if (!exec) return [problem(at, 'use the exec form (JSON array): the shell form keeps node from receiving SIGTERM')];
  const { argv, viaShell, execs } = nodeArgv(exec);
  const problems: Problem[] = [];
  if (!execs) problems.push(problem(at, 'the shell must `exec` node, or SIGTERM never reaches the service'));
  if (!/(^|\/)node$/.test(argv[0] ?? '')) problems.push(problem(at, `must run node (found ${argv[0] ?? 'nothing'})`));
  if (!argv.includes('--enable-source-maps')) problems.push(problem(at, 'must pass --enable-source-maps (stack traces point at the TypeScript)'));
  const carrier = appCarrier(stageEnv(df, final));
  const script = argv.find((a) => a.endsWith('.js'));
  const expected = carrier ? [`apps/\${${carrier}}/dist/main.js`, `apps/$${carrier}/dist/main.js`] : [];
  if (!carrier) problems.push(problem(at, `no ENV carries the ${APP_ARG} build argument (e.g. ENV ${APP_ARG}=\${${APP_ARG}})`));
  else if (!script || !expected.includes(script.replace(/^\.\//, ''))) {
    problems.push(problem(at, `must run ${expected[0]} (found ${script ?? 'no script'})`));
  } else if (!viaShell) {
    problems.push(problem(at, `the exec form does not expand \${${carrier}}: run it through sh -c "exec node …"`));
  }
  return problems;
}

/** Destination of a COPY in the final stage, relative to its WORKDIR. */
function copyTargets(final: Stage, instruction: Instruction, sources: string[], dest: string): string[] {
  const workdir = stageInstructions(final, 'WORKDIR').filter((w) => w.line < instruction.line).at(-1)?.args.trim() ?? '/';
  const absolute = posix.resolve(workdir, dest.replace(/\$APP\b/g, '${APP}'));
  const relative = normalizePath(posix.relative(workdir, absolute));
  const intoDirectory = dest.endsWith('/') || sources.length > 1;
  return [relative, ...(intoDirectory ? sources.map((s) => normalizePath(`${relative}/${posix.basename(s)}`)) : [])];
}

const PRODUCTION_INSTALL = /npm\s+(ci|install|prune)\b[^&|;]*--omit[= ]dev|npm\s+(ci|install|prune)\b[^&|;]*--production/;
const ANY_INSTALL = /npm\s+(ci|install|prune)\b/;

/** The runtime stage holds production node_modules, the app's build output and migrations. */
function checkRuntimeContents(df: Dockerfile, final: Stage, ctx: DockerfileContext): Problem[] {
  const required = ['node_modules', 'libs', `apps/\${${APP_ARG}}/package.json`, `apps/\${${APP_ARG}}/dist`, `apps/\${${APP_ARG}}/prisma/migrations`];
  const copies = stageInstructions(final, 'COPY').map((instruction) => ({ instruction, ...copyParts(instruction) }));
  const problems: Problem[] = [];
  for (const path of required) {
    const copy = copies.find((c) => copyTargets(final, c.instruction, c.sources, c.dest).includes(path));
    if (!copy) {
      problems.push(problem(`${ctx.file} (final stage)`, `nothing is copied to ${path}`));
      continue;
    }
    if (path !== 'node_modules') continue;
    const from = copy.flags['from'];
    const source = from === undefined ? undefined : stageNamed(df, from, final.index);
    const installs = source ? lineage(df, source).flatMap((s) => stageInstructions(s, 'RUN').filter((r) => ANY_INSTALL.test(r.args)).reverse()) : [];
    if (!installs[0] || !PRODUCTION_INSTALL.test(installs[0].args)) {
      problems.push(problem(where(ctx, copy.instruction), 'node_modules must come from a stage whose last npm install omits dev dependencies (--omit=dev)'));
    }
  }
  return problems;
}

/** Every workspace's package.json (tools, apps/*, libs/*), which `npm ci` needs to link it under node_modules/@homelab. */
function workspaceManifests(files: DockerfileContext['facts']['files']): string[] {
  const inside = (dir: string) => files.list(dir).map((name) => `${dir}/${name}/package.json`);
  return ['tools/package.json', ...inside('apps'), ...inside('libs')].filter((path) => files.exists(path));
}

/**
 * The stage that runs the first `npm ci` must have every workspace's
 * package.json: a workspace missing there is not linked, and the image fails
 * at run time when a service imports it.
 */
function checkWorkspaceManifests(df: Dockerfile, ctx: DockerfileContext): Problem[] {
  const install = df.stages.find((stage) => stageInstructions(stage, 'RUN').some((r) => ANY_INSTALL.test(r.args)));
  if (!install) return [problem(ctx.file, 'no stage installs the dependencies (npm ci)')];
  const copied = new Set(
    lineage(df, install)
      .flatMap((stage) => stageInstructions(stage, 'COPY'))
      .filter((instruction) => copyParts(instruction).flags['from'] === undefined)
      .flatMap((instruction) => copyParts(instruction).sources.map(normalizePath)),
  );
  return workspaceManifests(ctx.facts.files)
    .filter((manifest) => !copied.has(manifest))
    .map((manifest) => problem(`${ctx.file} (stage ${install.name ?? install.index})`, `${manifest} is not copied before npm ci: that workspace would not be linked`));
}

function checkBuildSteps(df: Dockerfile, ctx: DockerfileContext): Problem[] {
  const runs = df.stages.slice(0, -1).flatMap((s) => stageInstructions(s, 'RUN').map((r) => r.args));
  const problems: Problem[] = [];
  if (!runs.some((r) => r.includes('prisma-generate.mjs'))) problems.push(problem(ctx.file, 'no stage generates the Prisma client (tools/prisma-generate.mjs)'));
  if (!runs.some((r) => /\btsc\s+(-b|--build)\b|tools\/build\.mjs/.test(r))) problems.push(problem(ctx.file, 'no stage compiles the TypeScript (tsc -b)'));
  for (const app of buildableApps(ctx.facts)) {
    if (!ctx.facts.files.isDirectory(`apps/${app}/prisma/migrations`)) {
      problems.push(problem(ctx.file, `apps/${app}/prisma/migrations does not exist, but the service applies its migrations from there`));
    }
  }
  return problems;
}

/** All Dockerfile checks; an empty list means the file agrees with the repository. */
export function checkDockerfile(df: Dockerfile, ctx: DockerfileContext): Problem[] {
  const final = df.stages.at(-1);
  const stageProblems = checkStages(df, ctx);
  if (!final) return stageProblems;
  return [
    ...stageProblems,
    ...df.stages.flatMap((stage) => [...checkBaseImage(df, stage, ctx), ...checkVariableScopes(df, stage, ctx), ...checkContextSources(df, stage, ctx)]),
    ...checkBuildSteps(df, ctx),
    ...checkWorkspaceManifests(df, ctx),
    ...checkUser(final, ctx),
    ...checkRuntimeEnv(df, final, ctx),
    ...checkExpose(final, ctx),
    ...checkHealthcheck(final, ctx),
    ...checkCommand(df, final, ctx),
    ...checkRuntimeContents(df, final, ctx),
  ];
}

/** Paths that must never reach the build context, or would make the image depend on local state. */
export const MUST_IGNORE = [
  '.env',
  'deploy/secrets/postgres_password',
  'node_modules/zod/package.json',
  'apps/dashboard/dist/main.js',
  'libs/config/dist/index.js',
  'apps/dashboard/src/generated/prisma/client.ts',
  '.git/HEAD',
];

export function checkDockerignore(rules: readonly IgnoreRule[], file: string): Problem[] {
  return MUST_IGNORE.filter((path) => !isIgnored(rules, path)).map((path) => problem(file, `does not exclude ${path}`));
}
