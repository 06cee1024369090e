import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliIo } from './guard.js';

export const ROLLBACK_USAGE = `Usage: guard rollback <checkpoint-id> [--url URL] [--token-file FILE]
  Asks the running jarvis-guard to restore what an approved change touched.
  --url         the guard's HTTP address (default $GUARD_URL or http://127.0.0.1:3003)
  --token-file  file holding your approver token (default $GUARD_APPROVER_TOKEN_FILE)
`;

/** `guard rollback <id>`: an approver's command, through the guard's authenticated HTTP API. */
export async function runRollbackCli(args: readonly string[], io: CliIo, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  let values: { url?: string | undefined; 'token-file'?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...args], options: { url: { type: 'string' }, 'token-file': { type: 'string' } }, allowPositionals: true }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${ROLLBACK_USAGE}`);
    return 2;
  }
  const [id] = positionals;
  const tokenFile = values['token-file'] ?? env['GUARD_APPROVER_TOKEN_FILE'];
  if (!id || positionals.length > 1 || !tokenFile) {
    io.stderr.write(ROLLBACK_USAGE);
    return 2;
  }
  let token: string;
  try {
    token = (await readFile(tokenFile, 'utf8')).trim();
  } catch {
    io.stderr.write(`Cannot read the token file ${tokenFile}\n`);
    return 2;
  }
  const base = values.url ?? env['GUARD_URL'] ?? 'http://127.0.0.1:3003';
  let response: Response;
  try {
    response = await fetch(new URL(`/api/checkpoints/${encodeURIComponent(id)}/rollback`, base), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    io.stderr.write(`jarvis-guard at ${base} is not reachable: ${(error as Error).message}\n`);
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string }; restored?: string[]; differences?: string[] };
  if (!response.ok) {
    io.stderr.write(`Rollback refused (HTTP ${response.status}): ${body.error?.message ?? 'no detail'}\n`);
    return 1;
  }
  io.stdout.write(`Restored:\n${(body.restored ?? []).map((r) => `  ${r}`).join('\n')}\n`);
  if (body.differences?.length) {
    io.stdout.write(`Still different:\n${body.differences.map((d) => `  ${d}`).join('\n')}\n`);
    return 1;
  }
  return 0;
}
