import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Builds the web UI from the current sources into `outDir` (a temporary
 * directory, so the shared apps/dashboard/dist/web is never rewritten by a
 * test and a stale build is never what gets tested).
 */
export async function buildWebUi(outDir: string): Promise<void> {
  const vite = fileURLToPath(new URL('node_modules/vite/bin/vite.js', `file://${workspaceRoot}`));
  const args = [vite, 'build', '--config', 'apps/dashboard/web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: workspaceRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`Building the web UI failed (exit ${code}):\n${output.join('')}`);
}
