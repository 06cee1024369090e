import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The default output, apps/dashboard/dist/web, also holds the compiled server
 * module that serves it (src/web → dist/web), so Vite must not empty the
 * directory: this clears only what a previous UI build wrote.
 */
function clearPreviousUi(): Plugin {
  let outDir = '';
  return {
    name: 'homelab:clear-previous-ui',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async buildStart() {
      await rm(join(outDir, 'assets'), { recursive: true, force: true });
      await rm(join(outDir, 'index.html'), { force: true });
    },
  };
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Writes .br and .gz beside each script and style sheet; the server sends them to browsers that accept them. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'homelab:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => /\.(?:js|css|svg)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const path = join(outDir, name);
          const content = await readFile(path);
          if (content.length < 1024) return;
          await writeFile(`${path}.br`, await brotli(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
          await writeFile(`${path}.gz`, await gzipAsync(content, { level: 9 }));
        }),
      );
    },
  };
}

/**
 * react-router's package exports point every bundler at its development
 * build (warnings, larger); production builds take the one it ships beside it.
 */
function reactRouterProduction(): string {
  const development = createRequire(import.meta.url).resolve('react-router');
  return join(dirname(development), '..', 'production', 'index.mjs');
}

export default defineConfig(({ mode }) => ({
  root: webRoot,
  base: '/',
  // no React plugin: esbuild compiles TSX with the automatic runtime, all we need without fast refresh
  esbuild: { jsx: 'automatic' },
  plugins: [clearPreviousUi(), precompress()],
  resolve: mode === 'production' ? { alias: [{ find: /^react-router$/, replacement: reactRouterProduction() }] } : {},
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: false,
    target: 'es2022',
    // every browser that runs this UI supports <link rel=modulepreload>
    modulePreload: { polyfill: false },
    // no inlined data: URLs, so the CSP can stay `img-src 'self'`
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    rollupOptions: {
      output: {
        // the libraries change less often than the app: their chunk stays cached across releases
        manualChunks: (id) => (/[\\/]node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/.test(id) ? 'vendor' : undefined),
      },
      onwarn(warning, warn) {
        // react-router marks its modules "use client" for server components; meaningless in a browser bundle
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npx vite --config apps/dashboard/web/vite.config.ts` against a dashboard on :3000
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
}));
