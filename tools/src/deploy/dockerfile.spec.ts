import { describe, expect, it } from 'vitest';
import { expectProblem, lines, realFacts, withFiles } from './deploy.test-helpers.js';
import { execForm, keyValues, parseDockerfile, parseInstructions, referencedVariables, splitFlags, substitute } from './dockerfile.js';
import { checkDockerfile, checkDockerignore } from './dockerfile-checks.js';
import { isIgnored, parseDockerignore } from './dockerignore.js';
import { checkDockerfileIn, DOCKERFILE, DOCKERIGNORE } from './load.js';

const facts = realFacts();
const source = facts.files.read(DOCKERFILE) ?? '';
const ignore = parseDockerignore(facts.files.read(DOCKERIGNORE) ?? '');
const check = (text: string) => checkDockerfile(parseDockerfile(text), { facts, ignore, file: DOCKERFILE });

function replaced(search: string | RegExp, replacement: string): string {
  const result = source.replace(search, replacement);
  if (result === source) throw new Error(`mutation did not apply: ${String(search)}`);
  return result;
}

describe('parseInstructions', () => {
  it('joins continuations, skips comments (also inside continuations) and keeps the first line', () => {
    const parsed = parseInstructions('# syntax=docker/dockerfile:1\nFROM node:22 AS base\n\nRUN a \\\n  # note\n  && b \\\n\n  && c\ncmd ["x"]\n');
    expect(parsed).toEqual([
      { keyword: 'FROM', args: 'node:22 AS base', line: 2 },
      { keyword: 'RUN', args: 'a && b && c', line: 4 },
      { keyword: 'CMD', args: '["x"]', line: 9 },
    ]);
  });

  it('splits stages and global ARGs', () => {
    const df = parseDockerfile('ARG BASE=node:22\nFROM ${BASE} AS deps\nRUN x\nFROM deps\nUSER 1\n');
    expect(df.globalArgs.map((i) => i.args)).toEqual(['BASE=node:22']);
    expect(df.stages.map((s) => [s.name, s.base, s.instructions.length])).toEqual([
      ['deps', '${BASE}', 1],
      [undefined, 'deps', 1],
    ]);
  });
});

describe('instruction helpers', () => {
  it('reads flags, exec form, key=value pairs and variables', () => {
    expect(splitFlags('--from=build --link /a /b')).toEqual({ flags: { from: 'build', link: 'true' }, rest: '/a /b' });
    expect(execForm('["node", "-e", "x"]')).toEqual(['node', '-e', 'x']);
    expect(execForm('node -e x')).toBeUndefined();
    expect([...keyValues('A=1 B="two words" C=${APP}')]).toEqual([['A', '1'], ['B', 'two words'], ['C', '${APP}']]);
    expect([...keyValues('LEGACY some value')]).toEqual([['LEGACY', 'some value']]);
    expect(referencedVariables('apps/${APP}/x $HOME ${N:-d}')).toEqual(['APP', 'HOME', 'N']);
    expect(substitute('${A}/${B:-b}/$C/${D:+d}', new Map([['A', 'a'], ['C', 'c'], ['D', 'x']]))).toBe('a/b/c/d');
  });
});

describe('dockerignore', () => {
  it('matches like Docker: **, *, parents, exceptions, last rule wins', () => {
    const rules = parseDockerignore('**/dist\n*.log\nsecrets/\n!secrets/README.md\n/build');
    expect(isIgnored(rules, 'libs/config/dist/index.js')).toBe(true);
    expect(isIgnored(rules, 'dist/x')).toBe(true);
    expect(isIgnored(rules, 'a.log')).toBe(true);
    expect(isIgnored(rules, 'logs/a.log')).toBe(false);
    expect(isIgnored(rules, 'secrets/key')).toBe(true);
    expect(isIgnored(rules, 'secrets/README.md')).toBe(false);
    expect(isIgnored(rules, 'build/x')).toBe(true);
    expect(isIgnored(rules, 'libs/config/src/index.ts')).toBe(false);
  });

  it('requires secrets, local builds and dependencies to stay out of the context', () => {
    expect(lines(checkDockerignore(ignore, DOCKERIGNORE))).toEqual([]);
    const lax = checkDockerignore(parseDockerignore('node_modules\n'), DOCKERIGNORE);
    expect(lines(lax)).toEqual(expect.arrayContaining([expect.stringMatching(/does not exclude deploy\/secrets\/postgres_password/), expect.stringMatching(/does not exclude .env$/)]));
  });
});

/** Each case breaks the real Dockerfile in one way; the named problem must be reported. */
const mutations: [string, () => string, RegExp][] = [
  ['a single stage', () => 'FROM node:22-bookworm-slim\nUSER 1000\nCMD ["node", "--enable-source-maps", "x.js"]\n', /not a multi-stage build/],
  ['no USER', () => replaced(/^USER 1000:1000\n/m, ''), /no USER: the service would run as root/],
  ['a named USER', () => replaced('USER 1000:1000', 'USER node'), /USER node: use a numeric UID/],
  ['USER root', () => replaced('USER 1000:1000', 'USER 0'), /USER 0 is root/],
  ['a health check on the wrong path', () => replaced("'/health'", "'/healthz'"), /HEALTHCHECK: must request http:\/\/127\.0\.0\.1:<HTTP_PORT>\/health \(found \/healthz\)/],
  ['a health check ignoring HTTP_PORT', () => replaced('process.env.HTTP_PORT || ', ''), /HEALTHCHECK: must use the HTTP_PORT/],
  ['no health check', () => replaced(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, ''), /no HEALTHCHECK/],
  ['a health check of NONE', () => replaced(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, 'HEALTHCHECK NONE\n'), /HEALTHCHECK NONE disables/],
  ['CMD of another file', () => replaced('dist/main.js\\""]', 'dist/index.js\\""]'), /must run apps\/\$\{APP\}\/dist\/main\.js \(found apps\/\$\{APP\}\/dist\/index\.js\)/],
  ['CMD in exec form with ${APP}', () => replaced(/^CMD .*$/m, 'CMD ["node", "--enable-source-maps", "apps/${APP}/dist/main.js"]'), /the exec form does not expand \$\{APP\}/],
  ['CMD in shell form', () => replaced(/^CMD .*$/m, 'CMD node --enable-source-maps apps/$APP/dist/main.js'), /use the exec form/],
  ['a shell that does not exec node', () => replaced('"exec node', '"node'), /the shell must `exec` node/],
  ['no source maps', () => replaced('exec node --enable-source-maps', 'exec node'), /must pass --enable-source-maps/],
  ['no ENV carrying APP', () => replaced(' \\\n    APP=${APP}', ''), /no ENV carries the APP build argument|uses APP at run time, but no ENV APP/],
  ['APP used where no ARG declares it', () => replaced(/(FROM \$\{NODE_IMAGE\} AS runtime\n)ARG APP\n/, '$1'), /uses APP, but this stage declares no ARG APP/],
  ['NODE_ENV not production', () => replaced('NODE_ENV=production', 'NODE_ENV=development'), /NODE_ENV must be production/],
  ['HTTP_HOST on loopback', () => replaced('HTTP_HOST=0.0.0.0', 'HTTP_HOST=127.0.0.1'), /HTTP_HOST must be 0\.0\.0\.0/],
  ['an ENV no service reads', () => replaced('NODE_ENV=production', 'NODE_ENV=production NODE_OPTIONS_EXTRA=1'), /NODE_OPTIONS_EXTRA is not a variable of/],
  ['a secret baked into the image', () => replaced('NODE_ENV=production', 'NODE_ENV=production NATS_PASSWORD=x'), /NATS_PASSWORD is sensitive/],
  ['a missing EXPOSE', () => replaced('EXPOSE 3000 3001 3002 3003 3004', 'EXPOSE 3000'), /does not document port\(s\) 3001, 3002, 3003, 3004/],
  ['an EXPOSE of no service', () => replaced('EXPOSE 3000 3001 3002 3003 3004', 'EXPOSE 3000 3001 3002 3003 3004 8080'), /8080 is no service's HTTP_PORT/],
  ['a COPY source that does not exist', () => replaced('COPY tools/prisma-generate.mjs tools/', 'COPY tools/prisma-gen.mjs tools/'), /source tools\/prisma-gen\.mjs does not exist/],
  ['a COPY source excluded from the context', () => replaced('COPY tsconfig.base.json ./', 'COPY tsconfig.base.json ./\nCOPY docs/CONVENTIONS-FOR-HELPERS.md ./'), /source docs\/CONVENTIONS-FOR-HELPERS\.md is excluded by \.dockerignore/],
  ['COPY --from an unknown stage', () => replaced('COPY --from=prod-deps', 'COPY --from=production-deps'), /--from=production-deps is no earlier stage/],
  ['node_modules with dev dependencies', () => replaced('COPY --from=prod-deps /app/node_modules', 'COPY --from=deps /app/node_modules'), /node_modules must come from a stage whose last npm install omits dev dependencies/],
  ['no migrations in the image', () => replaced(/^COPY --from=build \/app\/apps\/\$\{APP\}\/prisma\/migrations\/.*\n/m, ''), /nothing is copied to apps\/\$\{APP\}\/prisma\/migrations/],
  ['no libraries in the image', () => replaced(/^COPY --from=build \/out\/libs\/.*\n/m, ''), /nothing is copied to libs/],
  ['a workspace left out of npm ci', () => replaced('COPY libs/guard-exec/package.json libs/guard-exec/\n', ''), /libs\/guard-exec\/package\.json is not copied before npm ci/],
  ['no Prisma client generation', () => replaced('node tools/prisma-generate.mjs "${APP}" \\\n    && ', ''), /no stage generates the Prisma client/],
  ['a latest base image', () => replaced('ARG NODE_IMAGE=node:22-bookworm-slim', 'ARG NODE_IMAGE=node:latest'), /image node:latest: pin a version tag/],
  ['an old Node', () => replaced('ARG NODE_IMAGE=node:22-bookworm-slim', 'ARG NODE_IMAGE=node:18-bookworm-slim'), /the services need Node 20 or later/],
  ['a FROM variable that is no global ARG', () => replaced('FROM ${NODE_IMAGE} AS manifests', 'FROM ${BASE_IMAGE} AS manifests'), /FROM uses BASE_IMAGE, which is no ARG before the first FROM/],
];

describe('checkDockerfile', () => {
  it('finds nothing wrong with docker/Dockerfile and .dockerignore', () => {
    expect(lines(checkDockerfileIn(facts))).toEqual([]);
  });

  it.each(mutations)('reports %s', (_name, mutate, expected) => {
    expectProblem(check(mutate()), expected);
  });

  it('checks that every app has the migrations folder the image copies', () => {
    const noMigrations = { ...withFiles(facts, {}), files: { ...facts.files, isDirectory: (p: string) => p !== 'apps/automation/prisma/migrations' && facts.files.isDirectory(p) } };
    const problems = checkDockerfile(parseDockerfile(source), { facts: noMigrations, ignore, file: DOCKERFILE });
    expectProblem(problems, /apps\/automation\/prisma\/migrations does not exist/);
  });

  it('expands ${APP} in context COPY sources for every app', () => {
    const withoutApp = withFiles(facts, { 'apps/discord-bot': undefined });
    const problems = checkDockerfile(parseDockerfile(source), { facts: withoutApp, ignore, file: DOCKERFILE });
    expectProblem(problems, /COPY: source apps\/discord-bot does not exist/);
  });

  it('reports a missing Dockerfile', () => {
    expectProblem(checkDockerfileIn(withFiles(facts, { [DOCKERFILE]: undefined })), /docker\/Dockerfile: does not exist/);
  });
});
