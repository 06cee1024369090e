import { z } from 'zod';
import { defineRpc } from '../contract.js';

/** Round trip to jarvis-guard: used for liveness and the RPC benchmark. */
export const guardPing = defineRpc({
  subject: 'guard.system.ping',
  owner: 'jarvis-guard',
  description: 'Echo a short payload back, with the time the guard saw it.',
  request: z.object({ payload: z.string().max(4096) }).strict(),
  response: z.object({ payload: z.string(), receivedAt: z.iso.datetime() }),
  timeoutMs: 2000,
});

export const guardContracts = [guardPing] as const;
