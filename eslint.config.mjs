import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const layers = {
  app: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'],
  feature: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'],
  'data-access': ['type:data-access', 'type:util', 'type:contracts'],
  util: ['type:util', 'type:contracts'],
  contracts: ['type:contracts'],
  testing: ['type:data-access', 'type:util', 'type:contracts', 'type:testing'],
};

const scopes = ['dashboard', 'stream-bot', 'discord-bot', 'jarvis-guard', 'automation'];

/** @param {boolean} isTest tests may also use the testing harness */
function depConstraints(isTest) {
  return [
    ...Object.entries(layers).map(([type, allowed]) => ({
      sourceTag: `type:${type}`,
      onlyDependOnLibsWithTags: isTest && type !== 'contracts' ? [...allowed, 'type:testing'] : allowed,
    })),
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    // workspace tooling (launcher, benchmarks, deploy checks) may use every service's libraries
    { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
    ...scopes.map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'] })),
  ];
}

const boundaries = (isTest) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    { enforceBuildableLibDependency: true, allow: [], depConstraints: depConstraints(isTest) },
  ],
});

const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.bench.ts', '**/*.test-helpers.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/generated/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'tools/dist/**', '.nx/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      ...boundaries(false),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @homelab/config, not process.env.',
        },
      ],
    },
  },
  {
    files: testFiles,
    rules: { ...boundaries(true), 'no-restricted-syntax': 'off' },
  },
  {
    // the shared Vitest configuration lives at the workspace root, outside every project
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['libs/config/**/*.ts', 'libs/testing/**/*.ts', 'libs/tracing/src/register.ts', 'tools/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
