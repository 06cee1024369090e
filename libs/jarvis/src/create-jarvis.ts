import type { Pool } from 'pg';
import type { Logger } from '@homelab/tracing';
import { ConversationRepository } from './conversation/conversation.repository.js';
import { JarvisEngine, type JarvisEngineOptions } from './engine/jarvis-engine.js';
import { ApprovalWaiter } from './guard/approval-waiter.js';
import { GuardApprovals } from './guard/guard-approvals.js';
import { createRunCommandTool, type GuardRpc } from './guard/run-command.tool.js';
import { JarvisService } from './jarvis-service.js';
import { JarvisModelClient, type ModelSettings } from './model/model-client.js';
import { ModelStatusProbe } from './model/model-status.js';
import { JarvisToolRegistry } from './tools/tool-registry.js';

export interface JarvisOptions {
  pool: Pool;
  /** The platform's RpcClient: the only way commands leave (to jarvis-guard). */
  rpc: GuardRpc;
  logger: Logger;
  instanceId: string;
  model: ModelSettings;
  maxToolRounds: number;
  approvalWaitMs: number;
  /** The registry feature modules add their tools to; `run_command` is added here. */
  registry?: JarvisToolRegistry;
  /** Tuning of the engine (tests, benchmarks). */
  engine?: Partial<Pick<JarvisEngineOptions, 'heartbeatMs' | 'flushMs' | 'historyLimit' | 'now'>>;
  /** How long a conversation's turn counts as alive without a heartbeat. Default 30 s. */
  staleTurnMs?: number;
  statusCacheMs?: number;
  /** Removes known secret values from tool results (the secrets redactor). */
  redact?: (text: string) => string;
}

/** Everything Jarvis is made of, wired once. */
export interface Jarvis {
  registry: JarvisToolRegistry;
  repository: ConversationRepository;
  model: JarvisModelClient;
  probe: ModelStatusProbe;
  waiter: ApprovalWaiter;
  approvals: GuardApprovals;
  engine: JarvisEngine;
  service: JarvisService;
}

export function createJarvis(options: JarvisOptions): Jarvis {
  const registry = options.registry ?? new JarvisToolRegistry();
  const repository = new ConversationRepository(options.pool, options.staleTurnMs);
  const model = new JarvisModelClient(options.model);
  const probe = new ModelStatusProbe(model, options.statusCacheMs === undefined ? {} : { cacheMs: options.statusCacheMs });
  const waiter = new ApprovalWaiter();
  const logger = options.logger;
  const approvals = new GuardApprovals(options.rpc, waiter, repository, logger);
  registry.register(createRunCommandTool({ rpc: options.rpc, approvals: waiter, approvalWaitMs: options.approvalWaitMs }));
  const engine = new JarvisEngine({
    repository,
    model,
    registry,
    instanceId: options.instanceId,
    logger,
    maxToolRounds: options.maxToolRounds,
    onModelUnavailable: () => probe.invalidate(),
    ...(options.redact === undefined ? {} : { redact: options.redact }),
    ...options.engine,
  });
  const service = new JarvisService({ repository, engine, probe, registry, approvals });
  return { registry, repository, model, probe, waiter, approvals, engine, service };
}
