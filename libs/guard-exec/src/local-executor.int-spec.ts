import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@homelab/testing';
import { ExecAbortedError, ExecError } from './errors.js';
import { LocalExecutor, SCRUBBED_PATH } from './local-executor.js';
import { outputDigest } from './output.js';

const run = { timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 };

/** Pids of processes whose command line contains `pattern` (pgrep -f). */
function processesMatching(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** A `sleep` duration no other test uses, so pgrep finds only this test's sleeps. */
function uniqueSleep(): string {
  return `100.${randomInt(100_000, 999_999)}`;
}

describe('LocalExecutor', () => {
  const executor = new LocalExecutor({ killGraceMs: 500 });
  const scratch = mkdtempSync(join(tmpdir(), 'guard-exec-local-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('returns exit code, stdout, stderr, duration and the output digest', async () => {
    const result = await executor.run("printf 'out'; printf 'err' >&2; exit 3", run);
    expect(result).toMatchObject({ exitCode: 3, signal: null, stdout: 'out', stderr: 'err', truncated: false, timedOut: false });
    expect(result.outputSha256).toBe(outputDigest('out', 'err'));
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs the command through /bin/sh -c (pipes, lists, quoting)', async () => {
    const result = await executor.run(`echo 'a b' | tr a-z A-Z && echo "$((6*7))"`, run);
    expect(result.stdout).toBe('A B\n42\n');
    expect(result.exitCode).toBe(0);
  });

  it('hands the command a scrubbed environment: nothing of the guard process leaks through', async () => {
    process.env['GUARD_TEST_SECRET_TOKEN'] = 'hunter2-do-not-leak';
    process.env['LD_PRELOAD'] = '/nonexistent/evil.so';
    try {
      const result = await executor.run('env', run);
      const names = result.stdout.trim().split('\n').map((line) => line.split('=')[0]).sort();
      // dash adds PWD itself; nothing else besides the three we set
      expect(names.filter((name) => name !== 'PWD')).toEqual(['HOME', 'LANG', 'PATH']);
      expect(result.stdout).toContain(`PATH=${SCRUBBED_PATH}\n`);
      expect(result.stdout).toContain('LANG=C.UTF-8\n');
      expect(result.stdout).not.toContain('hunter2');
      expect(result.stdout).not.toContain('LD_PRELOAD');
    } finally {
      delete process.env['GUARD_TEST_SECRET_TOKEN'];
      delete process.env['LD_PRELOAD'];
    }
  });

  it('closes stdin: a command that reads it gets end-of-file at once', async () => {
    const result = await executor.run('cat; echo "done $?"', { ...run, timeoutMs: 3_000 });
    expect(result).toMatchObject({ stdout: 'done 0\n', timedOut: false });
  });

  it('runs each command in its own process group', async () => {
    const result = await executor.run('ps -o pid=,pgid= -p $$', run);
    const [pid, pgid] = result.stdout.trim().split(/\s+/).map(Number);
    expect(pid).toBe(pgid);
    expect(pgid).not.toBe(Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(process.pid)]).toString().trim()));
  });

  it('on timeout kills the whole process tree, background children included', async () => {
    const duration = uniqueSleep();
    const started = Date.now();
    const result = await executor.run(`echo started; sleep ${duration} & sleep ${duration}; wait`, { ...run, timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('started\n');
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(processesMatching(`sleep ${duration}`)).toEqual([]);
  });

  it('escalates to SIGKILL when the tree ignores SIGTERM', async () => {
    const duration = uniqueSleep();
    const result = await executor.run(`trap '' TERM; sleep ${duration} & trap '' TERM; sleep ${duration}; wait`, { ...run, timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(processesMatching(`sleep ${duration}`)).toEqual([]);
  });

  it('leaves nothing of the group behind after a normal exit either', async () => {
    const duration = uniqueSleep();
    const result = await executor.run(`sleep ${duration} >/dev/null 2>&1 & echo bye`, run);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'bye\n', timedOut: false });
    expect(processesMatching(`sleep ${duration}`)).toEqual([]);
  });

  it('caps the output, keeps draining so the command is not blocked, and marks it truncated', async () => {
    const result = await executor.run('yes | head -c 10000000; echo tail-marker >&2; exit 0', { ...run, maxOutputBytes: 4096 });
    expect(result.exitCode).toBe(0);
    expect(result.timedOut).toBe(false);
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr)).toBe(4096);
    expect(result.stdout).toBe('y\n'.repeat(2048));
    expect(result.stderr).toBe('');
  });

  it('passes input on stdin when given (restores use it)', async () => {
    const result = await executor.run('wc -c', { ...run, input: Buffer.alloc(300_000, 1) });
    expect(result.stdout.trim()).toBe('300000');
  });

  it('abort kills the tree and rejects with the partial result', async () => {
    const duration = uniqueSleep();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await executor.run(`echo partial; sleep ${duration} & wait`, { ...run, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecAbortedError);
    expect((error as ExecAbortedError).partial?.stdout).toBe('partial\n');
    expect(processesMatching(`sleep ${duration}`)).toEqual([]);
  });

  it('refuses bad options and an already aborted signal before starting anything', async () => {
    const marker = join(scratch, 'never');
    await expect(executor.run(`touch ${marker}`, { timeoutMs: 0, maxOutputBytes: 10 })).rejects.toBeInstanceOf(ExecError);
    await expect(executor.run(`touch ${marker}`, { ...run, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ExecAbortedError);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a working directory that does not exist as a spawn failure', async () => {
    const broken = new LocalExecutor({ cwd: join(scratch, 'missing') });
    await expect(broken.run('true', run)).rejects.toMatchObject({ code: 'SPAWN_FAILED' });
  });

  it('still ends when a process escaped the group but holds the pipes', async () => {
    const duration = uniqueSleep();
    const result = await executor.run(`setsid sleep ${duration} & echo out`, { ...run, timeoutMs: 5_000 });
    expect(result.stdout).toBe('out\n');
    await waitFor(() => processesMatching(`sleep ${duration}`).length > 0);
    for (const pid of processesMatching(`sleep ${duration}`)) process.kill(pid, 'SIGKILL');
  });
});
