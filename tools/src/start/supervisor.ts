import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ServiceName } from '@homelab/contracts';

export interface ServiceProcessSpec {
  service: ServiceName;
  entry: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

const SEVERE = new Set(['error', 'fatal']);

/**
 * Runs one service as a child process, writes its JSON log to a file, echoes
 * its errors to the console and restarts it with backoff if it dies.
 */
export class SupervisedService {
  private child: ChildProcess | undefined;
  private log: WriteStream;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: ServiceProcessSpec,
    private readonly print: (line: string) => void,
  ) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawn(process.execPath, ['--enable-source-maps', this.spec.entry], {
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => this.onLine(line));
    }
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      if (Date.now() - startedAt > 60_000) this.restarts = 0;
      const delay = Math.min(30_000, 1000 * 2 ** this.restarts++);
      this.print(`! ${this.spec.service} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s`);
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  private onLine(line: string): void {
    this.log.write(`${line}\n`);
    if (!line.startsWith('{')) {
      if (line.trim()) this.print(`[${this.spec.service}] ${line}`);
      return;
    }
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; err?: { message?: string } };
      if (entry.level && SEVERE.has(entry.level)) {
        this.print(`[${this.spec.service}] ${entry.level}: ${entry.msg ?? ''}${entry.err?.message ? ` — ${entry.err.message}` : ''}`);
      }
    } catch {
      this.print(`[${this.spec.service}] ${line}`);
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited in `graceMs`. */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    return new Promise((resolve) => {
      const finish = (): void => {
        this.log.end();
        resolve();
      };
      if (!child || child.exitCode !== null || child.signalCode !== null) return finish();
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(killer);
        finish();
      });
      child.kill('SIGTERM');
    });
  }
}

export function logFileFor(logDir: string, service: ServiceName): string {
  return join(logDir, `${service}.log`);
}
