import type { Provider } from '@nestjs/common';
import { ConfigError, type JarvisGuardConfig } from '@homelab/config';
import { guardApprovalDecided, guardApprovalRequested } from '@homelab/contracts';
import { AuditLog, NatsKvHeadStore, type HeadSigner } from '@homelab/guard-audit';
import { ApprovalStore, Approvers, ApproverTokensError, GuardService, RateLimiter, SessionGuard, type TargetHost } from '@homelab/guard-control';
import { CheckpointService } from '@homelab/guard-exec';
import { EventStream, type ServiceRuntime } from '@homelab/platform';
import { loadHosts } from './hosts.js';
import { loadJudge } from './policy-judge.js';

const perMinute = (n: number) => ({ capacity: n, refillPerSecond: n / 60 });

/** Builds the guard from the service's runtime; anything misconfigured stops start-up with one line. */
export function guardProviders(runtime: ServiceRuntime, config: JarvisGuardConfig): Provider[] {
  const pool = runtime.database.pool;
  let approvers: Approvers;
  try {
    approvers = Approvers.parse(config.GUARD_APPROVER_TOKENS);
  } catch (error) {
    if (error instanceof ApproverTokensError) throw new ConfigError('GUARD_APPROVER_TOKENS', error.message);
    throw error;
  }
  // approvers see commands escaped by the policy's display rules once it has loaded
  let judgeDisplay: (command: string) => string = (command) => command;
  const approvals = new ApprovalStore(pool, config.GUARD_APPROVAL_TTL_MS, (command) => judgeDisplay(command));
  const sessions = new SessionGuard(pool, config.GUARD_MAX_CONSECUTIVE_DENIALS);

  return [
    { provide: Approvers, useValue: approvers },
    { provide: ApprovalStore, useValue: approvals },
    { provide: SessionGuard, useValue: sessions },
    {
      provide: GuardService,
      useFactory: async () => {
        const judge = await loadJudge(config.GUARD_POLICY_FILE);
        judgeDisplay = (command) => judge.display(command);
        const hosts: Map<string, TargetHost> = await loadHosts(config.GUARD_HOSTS_FILE, runtime.secrets);
        const audit = new AuditLog({
          pool,
          ...(config.GUARD_AUDIT_SIGNING_KEY
            ? { signingKey: config.GUARD_AUDIT_SIGNING_KEY, headStore: await NatsKvHeadStore.open(await runtime.nats.connect(), { bucket: headBucket(config.NATS_SUBJECT_PREFIX) }) }
            : {}),
        });
        if (config.GUARD_AUDIT_SIGNING_KEY) {
          const signer: HeadSigner = audit.startHeadSigner({
            intervalMs: config.GUARD_AUDIT_HEAD_INTERVAL_MS,
            onError: (error) => runtime.logger.error({ err: error }, 'Audit chain head could not be signed'),
          });
          runtime.onClose(() => signer.stop());
        }
        const checkpoints = new CheckpointService({
          pool,
          executorFor: (name) => {
            const host = hosts.get(name);
            if (!host) throw new ConfigError('GUARD_HOSTS_FILE', `has no host ${name}`);
            return host.executor;
          },
          ...(runtime.cipher ? { cipher: runtime.cipher } : {}),
        });
        return new GuardService({
          judge,
          audit,
          approvals,
          limiter: new RateLimiter(pool),
          sessions,
          events: new EventStream(runtime.nats, config.NATS_SUBJECT_PREFIX, {
            name: 'GUARD_APPROVALS',
            // the events only: a request subject inside a stream would be answered by JetStream itself
            subjects: [guardApprovalRequested.subject, guardApprovalDecided.subject],
            maxAgeMs: 7 * 24 * 3_600_000,
          }),
          checkpoints: {
            rollback: async (id) => {
              const report = await checkpoints.rollback(id);
              const stored = await checkpoints.get(id);
              return {
                checkpointId: id,
                host: stored?.host ?? 'unknown',
                restored: [...report.files.map((f) => `${f.path} (${f.action})`), ...report.containers.map((c) => `container ${c.name} (${c.action})`)],
                differences: report.differences,
              };
            },
            take: async (input) =>
              (await checkpoints.create({ host: input.host.config.name, command: input.command, caller: input.caller, scope: { paths: input.paths, containers: input.containers } })).id,
          },
          hosts: (name) => hosts.get(name),
          limits: {
            perCaller: perMinute(config.GUARD_RATE_PER_MINUTE),
            perSession: perMinute(config.GUARD_SESSION_RATE_PER_MINUTE),
            defaultTimeoutMs: config.GUARD_COMMAND_TIMEOUT_MS,
            maxOutputBytes: config.GUARD_OUTPUT_LIMIT_BYTES,
          },
        });
      },
    },
  ];
}

/** KV bucket names allow letters, digits, - and _. */
function headBucket(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}guard_audit_heads`;
}
