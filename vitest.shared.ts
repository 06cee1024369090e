import swc from 'unplugin-swc';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { resolve } from 'node:path';

const sourceCondition = '@homelab/source';
const workspaceRoot = import.meta.dirname;

/**
 * One Vitest configuration for every project. SWC compiles TypeScript because
 * NestJS needs `emitDecoratorMetadata`, which esbuild (Vite's default) lacks.
 * Workspace libraries resolve to their TypeScript sources via the
 * `@homelab/source` export condition, so tests never need a prior build.
 */
export function defineProjectConfig(projectRoot: string, overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    root: projectRoot,
    // 'import' must not be among the SSR conditions: Vitest hands them to Node, and
    // `require('pg-pool')` would then load its ESM build and break `pg`.
    resolve: { conditions: [sourceCondition, 'node'] },
    ssr: { resolve: { conditions: [sourceCondition, 'node'] } },
    plugins: [
      swc.vite({
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
        },
        module: { type: 'es6' },
      }),
    ],
    test: {
      include: ['src/**/*.spec.ts', 'src/**/*.int-spec.ts'],
      environment: 'node',
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 60_000,
      globalSetup: [resolve(workspaceRoot, 'libs/testing/src/global-setup.ts')],
      setupFiles: [resolve(workspaceRoot, 'libs/testing/src/loopback-guard.ts')],
      reporters: process.env['CI'] ? ['default'] : ['default'],
      ...overrides,
    },
  });
}
