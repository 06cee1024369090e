import { z } from 'zod';
import { defineEvent, defineRpc } from '../contract.js';

/** Round trip to jarvis-guard: used for liveness and the RPC benchmark. */
export const guardPing = defineRpc({
  subject: 'guard.system.ping',
  owner: 'jarvis-guard',
  description: 'Echo a short payload back, with the time the guard saw it.',
  request: z.object({ payload: z.string().max(4096) }).strict(),
  response: z.object({ payload: z.string(), receivedAt: z.iso.datetime() }),
  timeoutMs: 2000,
});

export const guardDecision = z.enum(['allow', 'approval', 'deny']);

/** Who asks: the AI operator's identity and role, and its conversation. */
export const guardCaller = z
  .object({
    id: z.string().min(1).max(200),
    role: z.string().min(1).max(50),
    sessionId: z.string().min(1).max(200),
  })
  .strict();

const commandRequest = {
  command: z.string().min(1).max(8192),
  host: z.string().min(1).max(253),
  caller: guardCaller,
};

export const guardCheckpointPlan = z.object({ paths: z.array(z.string()), containers: z.array(z.string()) });

export const guardEvaluation = z.object({
  decision: guardDecision,
  rule: z.string(),
  reason: z.string(),
  /** The command with control and look-alike characters shown escaped, for approvers. */
  displayCommand: z.string(),
  checkpoint: guardCheckpointPlan,
});

export const guardCommandEvaluate = defineRpc({
  subject: 'guard.command.evaluate',
  owner: 'jarvis-guard',
  description: 'Judge a shell command against the policy without running it (recorded in the audit log).',
  request: z.object(commandRequest).strict(),
  response: guardEvaluation,
  timeoutMs: 5000,
});

export const guardExecution = z.discriminatedUnion('status', [
  z.object({ status: z.literal('denied'), evaluation: guardEvaluation }),
  z.object({ status: z.literal('approval_required'), evaluation: guardEvaluation, approvalId: z.uuid(), expiresAt: z.iso.datetime() }),
  z.object({ status: z.literal('rate_limited'), reason: z.string(), retryAfterMs: z.number().int().nonnegative() }),
  z.object({ status: z.literal('suspended'), reason: z.string() }),
  z.object({
    status: z.literal('dry_run'),
    evaluation: guardEvaluation,
    plan: z.object({ host: z.string(), user: z.string(), command: z.string(), checkpoint: guardCheckpointPlan }),
  }),
  z.object({
    status: z.literal('executed'),
    evaluation: guardEvaluation,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
    timedOut: z.boolean(),
    durationMs: z.number().nonnegative(),
    checkpointId: z.uuid().nullable(),
  }),
]);
export type GuardExecution = z.infer<typeof guardExecution>;

export const guardCommandExecute = defineRpc({
  subject: 'guard.command.execute',
  owner: 'jarvis-guard',
  description:
    'Run a command if the policy allows it, or with an approval granted for exactly this command, host and caller; dryRun shows what would happen.',
  request: z
    .object({
      ...commandRequest,
      dryRun: z.boolean().default(false),
      /** An approval granted for this exact command, host and caller; used once. */
      approvalId: z.uuid().optional(),
      timeoutMs: z.number().int().min(100).max(600_000).optional(),
    })
    .strict(),
  response: guardExecution,
  // commands may run up to their own timeout; the guard answers within it
  timeoutMs: 610_000,
});

export const guardApproval = z.object({
  id: z.uuid(),
  status: z.enum(['pending', 'approved', 'denied', 'expired', 'used']),
  command: z.string(),
  displayCommand: z.string(),
  host: z.string(),
  caller: z.string(),
  sessionId: z.string(),
  rule: z.string(),
  reason: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
});
export type GuardApproval = z.infer<typeof guardApproval>;

export const guardApprovalRequested = defineEvent({
  subject: 'guard.approval.requested',
  owner: 'jarvis-guard',
  description: 'A command waits for a human; delivered through JetStream so every approval channel (dashboard, Discord, phone) sees it.',
  payload: guardApproval,
});

export const guardApprovalDecided = defineEvent({
  subject: 'guard.approval.decided',
  owner: 'jarvis-guard',
  description: 'An approval was granted, denied or expired.',
  payload: guardApproval,
});

export const guardApprovalDecide = defineRpc({
  subject: 'guard.approval.decide',
  owner: 'jarvis-guard',
  description: 'Approve or deny a pending command, with a reason (from an approval channel that authenticated the approver).',
  request: z
    .object({
      approvalId: z.uuid(),
      decision: z.enum(['approve', 'deny']),
      approver: z.string().min(1).max(200),
      reason: z.string().min(1).max(1000),
    })
    .strict(),
  response: guardApproval,
  timeoutMs: 5000,
});

export const guardContracts = [
  guardPing,
  guardCommandEvaluate,
  guardCommandExecute,
  guardApprovalRequested,
  guardApprovalDecided,
  guardApprovalDecide,
] as const;
