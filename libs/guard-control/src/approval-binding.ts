import { createHash } from 'node:crypto';

/** An approval is valid only for this exact command, host and caller. */
export function approvalBinding(command: string, host: string, caller: string): string {
  return createHash('sha256').update(command).update('\u0000').update(host).update('\u0000').update(caller).digest('hex');
}
