import { execFile, execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteInvocation, remoteKillScript } from './ssh-executor.js';

/**
 * The remote wrapper, run by a local /bin/sh the way sshd runs it (`$SHELL -c
 * <string>` in a fresh session), to check the parts an SSH test cannot
 * isolate: the backstop and the refusal outside a process-group leader.
 */
const execFileAsync = promisify(execFile);

function processesMatching(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('remoteInvocation', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'guard-exec-wrapper-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports the process group first, then runs the command with the scrubbed environment', async () => {
    const { stdout } = await execFileAsync('setsid', ['-w', '/bin/sh', '-c', remoteInvocation('echo "$LANG $PATH"', { timeoutMs: 5_000 })], {
      env: { HOME: '/root', SECRET: 'x' },
    });
    const [marker, line] = stdout.split('\n');
    expect(marker).toMatch(/^guard-exec-pgid:\d+$/);
    expect(line).toBe('C.UTF-8 /usr/sbin:/usr/bin:/sbin:/bin');
  });

  it('ends the whole group by itself when the guard never comes to kill it (backstop)', async () => {
    const duration = `300.${randomInt(100_000, 999_999)}`;
    const started = Date.now();
    const invocation = remoteInvocation(`sleep ${duration} & sleep ${duration}; wait`, { timeoutMs: 1_000, backstopMarginSeconds: 1, killGraceMs: 500 });
    await execFileAsync('setsid', ['-w', '/bin/sh', '-c', invocation], { env: { HOME: '/root' } }).catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(processesMatching(`sleep ${duration}`)).toEqual([]);
  });

  it('refuses to run when its shell does not lead its own process group', async () => {
    const marker = join(scratch, 'ran');
    // not detached: the child stays in the test runner's process group
    const error = await execFileAsync('/bin/sh', ['-c', remoteInvocation(`touch ${marker}`, { timeoutMs: 5_000 })], { env: { HOME: '/root' } }).catch(
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(error).toMatchObject({ code: 125 });
    expect((error as { stderr: string }).stderr).toContain('does not lead its own process group');
    expect(existsSync(marker)).toBe(false);
  });

  it('builds a kill script only for a real process group', () => {
    expect(remoteKillScript(4242, 1_000)).toContain('kill -s TERM -- -4242');
    expect(() => remoteKillScript(1, 1_000)).toThrow();
    expect(() => remoteKillScript(Number.NaN, 1_000)).toThrow();
  });
});
