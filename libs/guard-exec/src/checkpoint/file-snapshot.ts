import { createHash } from 'node:crypto';
import { shellQuote } from '../shell-quote.js';
import type { CommandExecutor, ExecResult } from '../types.js';
import { CheckpointError } from './errors.js';
import type { FileSnapshot } from './types.js';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface FileCommandOptions {
  /** Per command. Default 30 s. */
  timeoutMs?: number;
}

/**
 * One shell script per file, run through the host's executor (so local and
 * SSH behave the same): kind check, size check, then `stat`, `sha256sum` and
 * `base64` of the content. Reading the hash and the content separately lets
 * the guard notice a file that changed while it was read.
 */
export function snapshotScript(path: string, maxBytes: number): string {
  return [
    `p=${shellQuote(path)}`,
    `if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo absent; exit 0; fi`,
    `if [ -L "$p" ] || [ ! -f "$p" ]; then printf 'unsupported %s\\n' "$(stat -c %F -- "$p")"; exit 0; fi`,
    `size=$(stat -c %s -- "$p") || exit 1`,
    `if [ "$size" -gt ${maxBytes} ]; then printf 'too-large %s\\n' "$size"; exit 0; fi`,
    `stat -c 'file %a %u %g %U %G' -- "$p" || exit 1`,
    `sha256sum < "$p" || exit 1`,
    `base64 -w0 < "$p" || exit 1`,
    'echo',
  ].join('\n');
}

/**
 * Writes stdin to a temp file in the same directory, checks its hash, sets
 * owner and mode (owner first: chown clears set-id bits), then renames it over
 * the path — readers see the old file or the new one, never half of it.
 * `mv -T` refuses to move into a directory that appeared at the path.
 */
export function restoreScript(snapshot: Extract<FileSnapshot, { exists: true }>): string {
  if (!/^[0-7]{1,4}$/.test(snapshot.mode)) throw new CheckpointError('RESTORE_FAILED', `Bad mode ${snapshot.mode} in checkpoint of ${snapshot.path}`);
  if (!Number.isInteger(snapshot.uid) || !Number.isInteger(snapshot.gid) || !/^[0-9a-f]{64}$/.test(snapshot.sha256)) {
    throw new CheckpointError('RESTORE_FAILED', `Malformed checkpoint entry for ${snapshot.path}`);
  }
  return [
    `p=${shellQuote(snapshot.path)}`,
    `d=$(dirname -- "$p") || exit 1`,
    `[ -d "$d" ] || { echo "directory $d does not exist" >&2; exit 1; }`,
    `tmp=$(mktemp "$d/.guard-restore.XXXXXX") || exit 1`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    `cat > "$tmp" || exit 1`,
    `[ "$(sha256sum < "$tmp")" = '${snapshot.sha256}  -' ] || { echo 'restored content does not match the checkpoint' >&2; exit 1; }`,
    `chown ${snapshot.uid}:${snapshot.gid} -- "$tmp" || exit 1`,
    `chmod ${snapshot.mode} -- "$tmp" || exit 1`,
    `mv -f -T -- "$tmp" "$p" || exit 1`,
    `trap - EXIT`,
  ].join('\n');
}

/** Removes a file that did not exist at checkpoint time (never a directory). */
export function deleteScript(path: string): string {
  return [
    `p=${shellQuote(path)}`,
    `if [ -d "$p" ] && [ ! -L "$p" ]; then echo "$p is a directory; not removing it" >&2; exit 1; fi`,
    `rm -f -- "$p"`,
  ].join('\n');
}

function failed(code: 'SNAPSHOT_FAILED' | 'RESTORE_FAILED', what: string, result: ExecResult): CheckpointError {
  const why = result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`;
  const detail = result.stderr.trim().slice(0, 300);
  return new CheckpointError(code, `${what} failed (${why})${detail ? `: ${detail}` : ''}`);
}

export async function snapshotFile(
  executor: CommandExecutor,
  path: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  options: FileCommandOptions = {},
): Promise<FileSnapshot> {
  const result = await executor.run(snapshotScript(path, maxBytes), {
    timeoutMs: options.timeoutMs ?? 30_000,
    maxOutputBytes: Math.ceil(maxBytes / 3) * 4 + 4096,
  });
  if (result.exitCode !== 0 || result.timedOut) throw failed('SNAPSHOT_FAILED', `Checkpoint of ${path}`, result);
  if (result.truncated) throw new CheckpointError('SNAPSHOT_FAILED', `Checkpoint of ${path}: output was cut off`);
  return parseSnapshot(path, result.stdout, maxBytes);
}

export function parseSnapshot(path: string, stdout: string, maxBytes: number): FileSnapshot {
  const [header = '', hashLine = '', content = ''] = stdout.split('\n');
  const words = header.split(' ');
  if (header === 'absent') return { path, exists: false };
  if (words[0] === 'unsupported') {
    throw new CheckpointError('UNSUPPORTED_FILE', `Cannot checkpoint ${path}: it is a ${words.slice(1).join(' ')}, and only regular files are checkpointed`);
  }
  if (words[0] === 'too-large') {
    throw new CheckpointError('FILE_TOO_LARGE', `Cannot checkpoint ${path}: ${words[1]} bytes is over the limit of ${maxBytes} bytes per file`);
  }
  const [kind, mode = '', uid = '', gid = '', owner = '', group = ''] = words;
  const sha256 = /^([0-9a-f]{64}) {2}-$/.exec(hashLine)?.[1];
  if (kind !== 'file' || !/^[0-7]{1,4}$/.test(mode) || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || !sha256) {
    throw new CheckpointError('SNAPSHOT_FAILED', `Checkpoint of ${path}: unexpected answer from the host`);
  }
  const bytes = Buffer.from(content, 'base64');
  if (bytes.length > maxBytes) {
    throw new CheckpointError('FILE_TOO_LARGE', `Cannot checkpoint ${path}: it grew over the limit of ${maxBytes} bytes while being read`);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
    throw new CheckpointError('SNAPSHOT_FAILED', `Checkpoint of ${path}: the file changed while it was read; try again`);
  }
  return { path, exists: true, mode, uid: Number(uid), gid: Number(gid), owner, group, size: bytes.length, sha256, contentBase64: bytes.toString('base64') };
}

export type FileRestoreAction = 'restored' | 'deleted';

export async function restoreFile(executor: CommandExecutor, snapshot: FileSnapshot, options: FileCommandOptions = {}): Promise<FileRestoreAction> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!snapshot.exists) {
    const result = await executor.run(deleteScript(snapshot.path), { timeoutMs, maxOutputBytes: 16_384 });
    if (result.exitCode !== 0 || result.timedOut) throw failed('RESTORE_FAILED', `Removing ${snapshot.path}`, result);
    return 'deleted';
  }
  const result = await executor.run(restoreScript(snapshot), {
    timeoutMs,
    maxOutputBytes: 16_384,
    input: Buffer.from(snapshot.contentBase64, 'base64'),
  });
  if (result.exitCode !== 0 || result.timedOut) throw failed('RESTORE_FAILED', `Restoring ${snapshot.path}`, result);
  return 'restored';
}

/** Differences between a file as checkpointed and as it is now (empty when equal). */
export function diffFile(expected: FileSnapshot, actual: FileSnapshot): string[] {
  if (!expected.exists || !actual.exists) {
    return expected.exists === actual.exists ? [] : [`${expected.path}: expected ${expected.exists ? 'a file' : 'no file'}, found ${actual.exists ? 'a file' : 'none'}`];
  }
  const differences: string[] = [];
  if (actual.sha256 !== expected.sha256) differences.push(`${expected.path}: content differs`);
  if (actual.mode !== expected.mode) differences.push(`${expected.path}: mode ${actual.mode}, expected ${expected.mode}`);
  if (actual.uid !== expected.uid || actual.gid !== expected.gid) {
    differences.push(`${expected.path}: owner ${actual.uid}:${actual.gid}, expected ${expected.uid}:${expected.gid}`);
  }
  return differences;
}
