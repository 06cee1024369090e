import type { HostConfig } from './hosts.js';
import { currentLocalUser, scrubbedEnvironment } from './local-executor.js';
import { shellQuote } from './shell-quote.js';
import { remoteInvocation } from './ssh-executor.js';
import type { CheckpointScope } from './checkpoint/types.js';

export interface PlanExecutionInput {
  host: HostConfig;
  command: string;
  /** What the policy says the command may touch; null or empty when no checkpoint is taken. */
  checkpoint?: CheckpointScope | null;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/** What an execution would do. Nothing in it is secret (no key material). */
export interface ExecutionPlan {
  dryRun: true;
  /** Host name as configured. */
  host: string;
  transport: 'local' | 'ssh';
  /** `local` or `user@host:port`. */
  target: string;
  /** The user the command would run as. */
  user: string;
  /** The pinned host key the connection would insist on (SSH only). */
  hostKeySha256?: string;
  command: string;
  /** Exactly what would be executed: the argv locally, the `exec` request string over SSH. */
  invocation: string;
  /** The complete environment of the command (over SSH, HOME is the remote user's). */
  environment: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  /** The checkpoint that would be taken first, or null. */
  checkpoint: { paths: string[]; containers: string[] } | null;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** Dry-run: describes the execution without connecting anywhere or starting anything. */
export function planExecution(input: PlanExecutionInput): ExecutionPlan {
  const { host, command } = input;
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scope = input.checkpoint;
  const checkpoint =
    scope && (scope.paths.length > 0 || scope.containers.length > 0) ? { paths: [...scope.paths], containers: [...scope.containers] } : null;
  const common = { dryRun: true as const, host: host.name, command, timeoutMs, maxOutputBytes: input.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, checkpoint };
  if (host.kind === 'local') {
    const user = host.user ?? currentLocalUser();
    return {
      ...common,
      transport: 'local',
      target: 'local',
      user: user.username,
      invocation: `/bin/sh -c ${shellQuote(command)}`,
      environment: scrubbedEnvironment(user.home),
    };
  }
  return {
    ...common,
    transport: 'ssh',
    target: `${host.username}@${host.host}:${host.port}`,
    user: host.username,
    hostKeySha256: host.hostKeySha256,
    invocation: remoteInvocation(command, { timeoutMs }),
    environment: scrubbedEnvironment(`~${host.username}`),
  };
}
