import { resolve } from 'node:path';
import { expect } from 'vitest';
import { COMPOSE_FILE, K8S_DIR, parseYaml } from './load.js';
import type { Manifest } from './k8s-objects.js';
import type { Problem } from './problems.js';
import { repoFacts, type RepoFacts, type RepoFiles } from './repo-facts.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

export function realFacts(): RepoFacts {
  return repoFacts(ROOT);
}

/** The real repository with some files replaced (or removed, with `undefined`). */
export function withFiles(facts: RepoFacts, overrides: Record<string, string | undefined>): RepoFacts {
  const has = (path: string) => Object.hasOwn(overrides, path);
  const files: RepoFiles = {
    exists: (path) => (has(path) ? overrides[path] !== undefined : facts.files.exists(path)),
    isDirectory: (path) => !has(path) && facts.files.isDirectory(path),
    read: (path) => (has(path) ? overrides[path] : facts.files.read(path)),
    list: (path) => facts.files.list(path),
  };
  return { ...facts, files };
}

export function lines(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.where}: ${p.message}`);
}

/** At least one problem matches `pattern`. */
export function expectProblem(problems: readonly Problem[], pattern: RegExp): void {
  expect(lines(problems)).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
}

export function realCompose(facts: RepoFacts = realFacts()): Record<string, unknown> {
  const { docs } = parseYaml(facts.files.read(COMPOSE_FILE) ?? '', COMPOSE_FILE);
  return structuredClone(docs[0]) as Record<string, unknown>;
}

export interface RealManifests {
  manifests: Manifest[];
  kustomization: Record<string, unknown>;
  files: string[];
}

export function realManifests(facts: RepoFacts = realFacts()): RealManifests {
  const files = facts.files.list(K8S_DIR).filter((f) => f.endsWith('.yaml'));
  const manifests: Manifest[] = [];
  let kustomization: Record<string, unknown> = {};
  for (const name of files) {
    const file = `${K8S_DIR}/${name}`;
    const { docs } = parseYaml(facts.files.read(file) ?? '', file);
    if (name === 'kustomization.yaml') kustomization = docs[0] as Record<string, unknown>;
    else manifests.push(...docs.map((doc, index) => ({ file, index, doc })));
  }
  return structuredClone({ manifests, kustomization, files });
}

/** Loosely typed access for mutating parsed YAML in tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
