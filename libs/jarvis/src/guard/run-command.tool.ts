import { z } from 'zod';
import {
  DomainError,
  DomainErrorKind,
  guardCommandExecute,
  RpcError,
  RpcErrorCode,
  type GuardApproval,
  type GuardExecution,
  type ParsedResponseOf,
  type RequestOf,
  type RpcContract,
} from '@homelab/contracts';
import type { ToolApproval } from '@homelab/dashboard-api';
import { APPROVAL_DECIDED, APPROVAL_REQUESTED } from '../engine/turn.js';
import type { JarvisTool, ToolContext, ToolResult } from '../tools/jarvis-tool.js';
import type { ApprovalWaiter } from './approval-waiter.js';

/**
 * The role Jarvis's commands carry to the guard. Policy rules may match the
 * caller's role with globs (`match.role`); a rule without one applies to
 * every caller, and an unknown role turns deny rules into approvals. The AI
 * gets a role of its own — never the human's `admin` — so rules written for
 * people never widen what the model may do, and a policy can single Jarvis out.
 */
export const JARVIS_GUARD_ROLE = 'jarvis';

/** The guard caller id of a user's Jarvis: the guard rate-limits and audits per caller. */
export const jarvisCallerId = (username: string): string => `jarvis:${username}`;

/** What of the RpcClient the tool uses: one typed request. */
export interface GuardRpc {
  request<C extends RpcContract>(contract: C, request: RequestOf<C>): Promise<ParsedResponseOf<C>>;
}

export interface RunCommandToolOptions {
  rpc: GuardRpc;
  approvals: ApprovalWaiter;
  /** JARVIS_APPROVAL_WAIT_MS: how long the turn waits for a human. */
  approvalWaitMs: number;
  /** Characters of stdout/stderr handed to the model (head and tail kept). Default 4000 each. */
  outputChars?: number;
}

const parameters = z
  .object({
    host: z
      .string()
      .trim()
      .min(1)
      .max(253)
      .describe('Where to run it: "local" (the machine jarvis-guard runs on) or the name of a host configured in the guard.'),
    command: z.string().min(1).max(8192).describe('One shell command line, e.g. "df -h" or "systemctl status nginx".'),
  })
  .strict();

/** Keeps the start and (mostly) the end of long output: errors tend to be at the end. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max / 4);
  const tail = max - head;
  return `${text.slice(0, head)}\n… [${text.length - max} characters cut] …\n${text.slice(text.length - tail)}`;
}

function toolApprovalOf(execution: Extract<GuardExecution, { status: 'approval_required' }>, host: string): ToolApproval {
  return {
    approvalId: execution.approvalId,
    displayCommand: execution.evaluation.displayCommand,
    host,
    rule: execution.evaluation.rule,
    reason: execution.evaluation.reason,
    expiresAt: execution.expiresAt,
    decision: 'pending',
    decidedBy: null,
  };
}

const refused = (code: string, message: string): ToolResult => ({ ok: false, error: { code, message } });

/**
 * `run_command(host, command)`: the one tool that acts, and only through
 * jarvis-guard over NATS (`guard.command.execute`). The guard runs the
 * command, refuses it, or asks a human — then the tool waits for the decision
 * (`guard.approval.decided`), and runs it with the approval or reports the
 * refusal. Results are summarised for the model (exit code, trimmed output).
 */
export function createRunCommandTool(options: RunCommandToolOptions): JarvisTool<typeof parameters> {
  const outputChars = options.outputChars ?? 4000;

  const execute = async (args: z.output<typeof parameters>, context: ToolContext, approvalId?: string): Promise<GuardExecution> => {
    try {
      return await options.rpc.request(guardCommandExecute, {
        command: args.command,
        host: args.host,
        caller: { id: jarvisCallerId(context.user.username), role: JARVIS_GUARD_ROLE, sessionId: context.conversationId },
        dryRun: context.dryRun,
        ...(approvalId ? { approvalId } : {}),
      });
    } catch (error) {
      throw guardFailure(error);
    }
  };

  const report = (execution: GuardExecution, host: string): ToolResult => {
    switch (execution.status) {
      case 'executed': {
        const { exitCode, signal, timedOut, durationMs } = execution;
        const how = timedOut ? 'timed out' : signal ? `killed by ${signal}` : `exit ${exitCode ?? '?'}`;
        return {
          ok: true,
          summary: `${how} in ${Math.round(durationMs)} ms`,
          content: {
            status: 'executed',
            host,
            exitCode,
            signal,
            timedOut,
            durationMs: Math.round(durationMs),
            stdout: clip(execution.stdout, outputChars),
            stderr: clip(execution.stderr, outputChars),
            outputTruncatedByGuard: execution.truncated,
            rule: execution.evaluation.rule,
            checkpointId: execution.checkpointId,
          },
        };
      }
      case 'dry_run': {
        const { evaluation, plan } = execution;
        const would = evaluation.decision === 'allow' ? 'run' : 'need a human\'s approval, then run';
        return {
          ok: true,
          summary: `Dry run: nothing ran; it would ${would} as ${plan.user}@${plan.host} (rule ${evaluation.rule})`,
          content: { status: 'dry_run', nothingRan: true, decision: evaluation.decision, rule: evaluation.rule, reason: evaluation.reason, plan },
        };
      }
      case 'denied':
        return refused('COMMAND_DENIED', `jarvis-guard denied the command (rule ${execution.evaluation.rule}): ${execution.evaluation.reason}`);
      case 'rate_limited':
        return refused('RATE_LIMITED', `jarvis-guard refused: ${execution.reason}`);
      case 'suspended':
        return refused('SESSION_SUSPENDED', `jarvis-guard refused: ${execution.reason}`);
      case 'approval_required':
        return refused('GUARD_ERROR', 'jarvis-guard asked for approval again for an approved command; it did not run');
    }
  };

  const afterApproval = async (args: z.output<typeof parameters>, context: ToolContext, asked: Extract<GuardExecution, { status: 'approval_required' }>): Promise<ToolResult> => {
    const approval = toolApprovalOf(asked, args.host);
    // waiting begins before anyone can see the card, so no decision slips past
    const decision = options.approvals.wait(asked.approvalId, { signal: context.signal, timeoutMs: options.approvalWaitMs });
    context.progress({
      kind: APPROVAL_REQUESTED,
      message: `Waiting for a human to approve (rule ${approval.rule}: ${approval.reason})`,
      data: { approval },
    });
    const decided = await decision;
    if (decided === 'timeout') {
      const minutes = Math.round(options.approvalWaitMs / 60_000);
      return refused('APPROVAL_EXPIRED', `No one approved the command within ${minutes} min; it did not run`);
    }
    const verdict = verdictOf(decided);
    context.progress({
      kind: APPROVAL_DECIDED,
      message: verdict === 'approved' ? `Approved by ${decided.decidedBy ?? 'an approver'}; running it` : `The approval ended: ${verdict}`,
      data: { approval: { ...approval, decision: verdict, decidedBy: decided.decidedBy } },
    });
    if (verdict === 'denied') {
      const why = decided.decisionReason ? `: ${decided.decisionReason}` : '';
      return refused('APPROVAL_DENIED', `${decided.decidedBy ?? 'An approver'} denied the command${why}; it did not run`);
    }
    if (verdict === 'expired') return refused('APPROVAL_EXPIRED', 'The approval expired before anyone decided; the command did not run');
    return report(await execute(args, context, asked.approvalId), args.host);
  };

  return {
    name: 'run_command',
    description:
      'Run a shell command on a homelab host, through jarvis-guard: it may run it, refuse it, or ask a human to approve it first (you then wait). Returns the exit code and output, or what the guard decided.',
    parameters,
    readOnly: false,
    async run(args, context) {
      const first = await execute(args, context);
      if (first.status !== 'approval_required') return report(first, args.host);
      return afterApproval(args, context, first);
    },
  };
}

function verdictOf(approval: GuardApproval): 'approved' | 'denied' | 'expired' {
  if (approval.status === 'approved') return 'approved';
  if (approval.status === 'denied') return 'denied';
  return 'expired';
}

/** The guard could not be asked, or refused the request itself (e.g. an unknown host); the model reads it. */
export class GuardCallError extends DomainError {
  constructor(code: string, message: string) {
    super(DomainErrorKind.Unavailable, code, message);
  }
}

function guardFailure(error: unknown): Error {
  if (error instanceof RpcError) {
    if (error.code === RpcErrorCode.Unavailable || error.code === RpcErrorCode.Timeout) {
      return new GuardCallError('GUARD_UNAVAILABLE', `jarvis-guard could not be asked (${error.message}); the command did not run`);
    }
    if (error.code === RpcErrorCode.BadRequest || error.code === RpcErrorCode.Rejected || error.code === RpcErrorCode.NotFound) {
      return new GuardCallError('COMMAND_REJECTED', `jarvis-guard refused the request: ${error.message}`);
    }
    return new GuardCallError('GUARD_ERROR', `jarvis-guard failed: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
