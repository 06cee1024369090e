import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs a built service (`apps/<app>/dist/main.js`) as its own process, for
 * tests that need two services in separate processes; resolves when its
 * /health answers 200.
 */
export async function startServiceProcess(app: string, env: Record<string, string>): Promise<ServiceProcess> {
  const entry = join(workspaceRoot, 'apps', app, 'dist', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${env['HTTP_PORT']}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}: ${output.slice(-500)}`);
        const response = await fetch(`${url}/health`).catch(() => undefined);
        return response?.status === 200;
      },
      { timeoutMs: 30_000, message: `${app} healthy` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, output: () => output, stop };
}
