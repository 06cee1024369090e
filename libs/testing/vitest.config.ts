import { defineProjectConfig } from '../../vitest.shared.js';

const config = defineProjectConfig(import.meta.dirname);

// Vitest passes ssr.resolve.conditions to its workers as `node --conditions`.
// The shared list contains 'import', which makes Node's own require() pick the
// ESM build of dual packages (pg → pg-pool) and breaks pg. Vite adds
// 'import'/'require' by itself, so the list works without it. Remove this
// override once vitest.shared.ts drops 'import'.
const conditions = config.ssr?.resolve?.conditions?.filter((condition) => condition !== 'import');
config.ssr = { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions } };

export default config;
