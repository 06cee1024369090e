import { open } from 'node:fs/promises';
import { SecretFileError } from './errors.js';
import type { SecretEnvironment, SecretProvider } from './secret-provider.js';

/** Secret files are passwords, tokens or PEM keys; anything bigger is a mistake. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads `key` from the file named by `<key>_FILE` (Docker and Kubernetes
 * secrets). Trailing line breaks are removed because editors and `echo` add
 * them. The file is read on every call so rotated mounts are picked up.
 * A variable that is set but points at an unusable file is an error, not
 * "unset": silently falling back to another source would hide the mistake.
 */
export class FileSecretProvider implements SecretProvider {
  readonly name = 'file';

  constructor(private readonly env: SecretEnvironment) {}

  async get(key: string): Promise<string | undefined> {
    const variable = `${key}_FILE`;
    const path = this.env[variable];
    if (path === undefined || path === '') return undefined;
    const bytes = await readLimited(variable, path);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new SecretFileError(variable, path, 'the file is not UTF-8 text');
    }
    return trimTrailingLineBreaks(text);
  }
}

function trimTrailingLineBreaks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return text.slice(0, end);
}

/** Reads at most one byte past the limit, so `/dev/zero` or a growing file cannot exhaust memory. */
async function readLimited(variable: string, path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new SecretFileError(variable, path, describeFsError(error));
  }
  try {
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_SECRET_FILE_BYTES) {
      throw new SecretFileError(variable, path, `the file is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof SecretFileError) throw error;
    throw new SecretFileError(variable, path, describeFsError(error));
  } finally {
    await handle.close();
  }
}

/** Uses the error code only: fs messages are safe today, but the code is all the caller needs. */
function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a parent of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return typeof code === 'string' ? `read failed (${code})` : 'read failed';
  }
}
