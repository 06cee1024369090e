import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { checkCompose } from './compose-checks.js';
import { parseDockerfile } from './dockerfile.js';
import { checkDockerfile, checkDockerignore } from './dockerfile-checks.js';
import { parseDockerignore } from './dockerignore.js';
import { checkKubernetes } from './k8s-checks.js';
import type { Manifest } from './k8s-objects.js';
import { problem, type Problem } from './problems.js';
import { repoFacts, type RepoFacts } from './repo-facts.js';
import { checkRuntimeDependencies } from './runtime-deps.js';

export const DOCKERFILE = 'docker/Dockerfile';
export const DOCKERIGNORE = '.dockerignore';
export const COMPOSE_FILE = 'deploy/compose.yaml';
export const K8S_DIR = 'deploy/k8s';

/** Every document of a YAML stream (Compose merge keys `<<` resolved); syntax errors as problems. */
export function parseYaml(source: string, file: string): { docs: unknown[]; problems: Problem[] } {
  const docs: unknown[] = [];
  const problems: Problem[] = [];
  parseAllDocuments(source, { merge: true }).forEach((doc, i) => {
    if (doc.errors.length > 0) problems.push(...doc.errors.map((e) => problem(`${file}#${i + 1}`, `YAML: ${e.message}`)));
    else if (doc.contents !== null) docs.push(doc.toJS());
  });
  return { docs, problems };
}

function missing(file: string): Problem[] {
  return [problem(file, 'does not exist')];
}

export function checkDockerfileIn(facts: RepoFacts, file = DOCKERFILE, ignoreFile = DOCKERIGNORE): Problem[] {
  const source = facts.files.read(file);
  if (source === undefined) return missing(file);
  const ignore = parseDockerignore(facts.files.read(ignoreFile) ?? '');
  return [...checkDockerignore(ignore, ignoreFile), ...checkDockerfile(parseDockerfile(source), { facts, ignore, file })];
}

export function checkComposeIn(facts: RepoFacts, file = COMPOSE_FILE): Problem[] {
  const source = facts.files.read(file);
  if (source === undefined) return missing(file);
  const { docs, problems } = parseYaml(source, file);
  if (docs.length !== 1) return [...problems, problem(file, 'must hold exactly one YAML document')];
  return [...problems, ...checkCompose(docs[0], { facts, file })];
}

export function checkKubernetesIn(facts: RepoFacts, dir = K8S_DIR): Problem[] {
  const files = facts.files.list(dir).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'));
  const problems: Problem[] = [];
  const manifests: Manifest[] = [];
  let kustomization: unknown;
  for (const name of files) {
    const file = posix.join(dir, name);
    const parsed = parseYaml(facts.files.read(file) ?? '', file);
    problems.push(...parsed.problems);
    if (name === 'kustomization.yaml') kustomization = parsed.docs[0];
    else manifests.push(...parsed.docs.map((doc, index) => ({ file, index, doc })));
  }
  if (kustomization === undefined) problems.push(missing(posix.join(dir, 'kustomization.yaml'))[0] as Problem);
  return [...problems, ...checkKubernetes(manifests, { facts, dir, files, kustomization })];
}

/** Every deployment check against the repository at `root`. */
export function checkDeployment(root: string): Problem[] {
  const facts = repoFacts(root);
  return [...checkDockerfileIn(facts), ...checkComposeIn(facts), ...checkKubernetesIn(facts), ...checkRuntimeDependencies(facts.files)];
}
