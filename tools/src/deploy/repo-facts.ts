import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { z } from 'zod';
import { configSchemas, sensitiveVariables } from '@homelab/config';
import { serviceNames, type ServiceName } from '@homelab/contracts';
import { HEALTH_PATH } from '@homelab/platform';

/** What the deployment artifacts must agree with about one service. */
export interface ServiceFacts {
  name: ServiceName;
  schema: z.ZodObject;
  variables: ReadonlySet<string>;
  sensitive: ReadonlySet<string>;
  /** HTTP_PORT when the variable is not set (the schema's default, from @homelab/contracts). */
  defaultHttpPort: number;
  /** The database deploy/postgres/init.sql creates for it. */
  databaseName: string;
}

/** Read access to the repository, relative to its root (a fake in unit tests). */
export interface RepoFiles {
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  read(path: string): string | undefined;
  /** Names in a directory, sorted; empty when it does not exist. */
  list(path: string): string[];
}

export interface RepoFacts {
  /** Root package.json version: the tag homelab images carry. */
  version: string;
  healthPath: string;
  services: ReadonlyMap<string, ServiceFacts>;
  files: RepoFiles;
}

export function databaseNameOf(service: string): string {
  return `homelab_${service.replace(/-/g, '_')}`;
}

function defaultPort(schema: z.ZodObject): number {
  const field = schema.shape['HTTP_PORT'] as z.ZodType | undefined;
  const parsed = field?.safeParse(undefined);
  if (!parsed?.success || typeof parsed.data !== 'number') throw new Error('HTTP_PORT has no numeric default');
  return parsed.data;
}

export function serviceFacts(): Map<string, ServiceFacts> {
  return new Map(
    serviceNames.map((name): [string, ServiceFacts] => {
      const schema: z.ZodObject = configSchemas[name];
      return [
        name,
        {
          name,
          schema,
          variables: new Set(Object.keys(schema.shape)),
          sensitive: new Set(sensitiveVariables(schema)),
          defaultHttpPort: defaultPort(schema),
          databaseName: databaseNameOf(name),
        },
      ];
    }),
  );
}

export function diskFiles(root: string): RepoFiles {
  const full = (path: string) => join(root, normalize(path));
  return {
    exists: (path) => existsSync(full(path)),
    isDirectory: (path) => existsSync(full(path)) && statSync(full(path)).isDirectory(),
    read: (path) => (existsSync(full(path)) && statSync(full(path)).isFile() ? readFileSync(full(path), 'utf8') : undefined),
    list: (path) => (existsSync(full(path)) && statSync(full(path)).isDirectory() ? readdirSync(full(path)).sort() : []),
  };
}

export function repoFacts(root: string): RepoFacts {
  const files = diskFiles(root);
  const pkg: unknown = JSON.parse(files.read('package.json') ?? '{}');
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '';
  return { version, healthPath: HEALTH_PATH, services: serviceFacts(), files };
}

/** Services that have an entry point, i.e. that an `APP` build argument may name. */
export function buildableApps(facts: RepoFacts): string[] {
  return [...facts.services.keys()].filter((name) => facts.files.exists(`apps/${name}/src/main.ts`));
}
