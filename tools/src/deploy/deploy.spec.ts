import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, lines, realFacts, ROOT, withFiles } from './deploy.test-helpers.js';
import { checkComposeIn, checkDeployment, checkKubernetesIn, COMPOSE_FILE, K8S_DIR } from './load.js';
import { repoFacts } from './repo-facts.js';
import { checkRuntimeDependencies } from './runtime-deps.js';

describe('deployment artifacts', () => {
  it('agree with the services (Dockerfile, compose.yaml, k8s manifests, runtime dependencies)', () => {
    expect(lines(checkDeployment(ROOT))).toEqual([]);
  });

  it('report YAML syntax errors with the file', () => {
    const facts = realFacts();
    const broken = withFiles(facts, { [COMPOSE_FILE]: 'services:\n  a: [\n' });
    expectProblem(checkComposeIn(broken), /deploy\/compose\.yaml#1: YAML: /);
    expectProblem(checkComposeIn(withFiles(facts, { [COMPOSE_FILE]: 'a: 1\n---\nb: 2\n' })), /must hold exactly one YAML document/);
    expectProblem(checkKubernetesIn(withFiles(facts, { [`${K8S_DIR}/nats.yaml`]: 'kind: [' })), /deploy\/k8s\/nats\.yaml#1: YAML: /);
    expectProblem(checkKubernetesIn(withFiles(facts, { [`${K8S_DIR}/kustomization.yaml`]: undefined })), /kustomization\.yaml: does not exist/);
  });

  it('require shipped code to import only production dependencies', () => {
    const facts = realFacts();
    const file = 'libs/contracts/src/index.ts';
    const devImport = withFiles(facts, { [file]: `${facts.files.read(file) ?? ''}\nimport { defineConfig } from 'vitest/config';\n` });
    expectProblem(checkRuntimeDependencies(devImport.files), /libs\/contracts\/src\/index\.ts: imports vitest, a dev dependency the runtime image/);
    const unknown = withFiles(facts, { [file]: "import left from 'left-pad';\n" });
    expectProblem(checkRuntimeDependencies(unknown.files), /imports left-pad, which package-lock\.json does not install/);
  });
});

/** The checks read real files: broken copies written to disk are caught the same way. */
describe('checks on files written to disk', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'homelab-deploy-'));
    for (const path of ['package.json', 'package-lock.json', '.dockerignore', 'docker', 'deploy', 'tools/prisma-generate.mjs', 'tools/package.json', 'tsconfig.base.json']) {
      cpSync(join(ROOT, path), join(root, path), { recursive: true });
    }
    for (const app of ['dashboard', 'stream-bot', 'discord-bot', 'jarvis-guard', 'automation']) {
      for (const path of ['package.json', 'src/main.ts', 'prisma/migrations']) cpSync(join(ROOT, 'apps', app, path), join(root, 'apps', app, path), { recursive: true });
    }
    for (const lib of ['auth', 'config', 'contracts', 'database', 'platform', 'resilience', 'secrets', 'testing', 'tracing']) {
      cpSync(join(ROOT, 'libs', lib, 'package.json'), join(root, 'libs', lib, 'package.json'));
    }
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const edit = (path: string, change: (text: string) => string) => writeFileSync(join(root, path), change(readFileSync(join(root, path), 'utf8')));

  it('pass on an unchanged copy', () => {
    expect(lines([...checkComposeIn(repoFacts(root)), ...checkKubernetesIn(repoFacts(root))])).toEqual([]);
  });

  it('catch a broken compose.yaml', () => {
    edit(COMPOSE_FILE, (text) => text.replace('HTTP_PORT: "3003"', 'HTTP_PORT: "3003"\n      GUARD_MODE: strict').replace('nats:2.11-alpine', 'nats:latest'));
    const problems = checkComposeIn(repoFacts(root));
    expectProblem(problems, /services\.jarvis-guard\.environment\.GUARD_MODE: GUARD_MODE is not a variable of jarvis-guard/);
    expectProblem(problems, /image nats:latest: pin a version tag/);
  });

  it('catch a broken manifest and a file missing from the kustomization', () => {
    edit(`${K8S_DIR}/automation.yaml`, (text) => text.replace('path: /health, port: http }\n            periodSeconds: 10', 'path: /status, port: http }\n            periodSeconds: 10'));
    writeFileSync(join(root, K8S_DIR, 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra }\n');
    const problems = checkKubernetesIn(repoFacts(root));
    expectProblem(problems, /automation\.yaml#1 Deployment\/automation .*readinessProbe: path must be \/health \(is \/status\)/);
    expectProblem(problems, /extra\.yaml is not listed in resources/);
  });
});
