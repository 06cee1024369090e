import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { guardApprovalDecided, parsePayload } from '@homelab/contracts';
import type { Jarvis } from '@homelab/jarvis';
import { LOGGER, ServiceRuntime } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { JARVIS } from './jarvis.tokens.js';

/**
 * Hears `guard.approval.decided` on every replica (no queue group) and wakes
 * the turn waiting for that approval, wherever the human decided (this chat,
 * Discord, the guard's HTTP API).
 *
 * A plain NATS subscription rather than `@EventHandler`: the guard publishes
 * the event through JetStream, whose publish is a request — the message
 * carries a reply inbox and the bare payload, so the platform's NATS server
 * would take it for an RPC request in its envelope and answer the guard's
 * publish with an error. Here the payload is validated and nothing is
 * answered (JetStream acknowledges the publish).
 */
@Injectable()
export class GuardApprovalListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription: Subscription | undefined;
  private closed = false;

  constructor(
    @Inject(ServiceRuntime) private readonly runtime: ServiceRuntime,
    @Inject(JARVIS) private readonly jarvis: Jarvis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const subject = `${this.runtime.config.NATS_SUBJECT_PREFIX}${guardApprovalDecided.subject}`;
    // NATS may come up later: the manager connects when it can, the subscription survives reconnects
    this.runtime.nats.connect().then(
      (nc) => {
        if (this.closed) return;
        this.subscription = nc.subscribe(subject, { callback: (error, msg) => this.received(error, msg) });
      },
      (error: unknown) => this.logger.warn({ err: error }, 'Jarvis does not hear approval decisions: NATS did not connect'),
    );
  }

  beforeApplicationShutdown(): void {
    this.closed = true;
    this.subscription?.unsubscribe();
  }

  private received(error: Error | null, msg: Msg): void {
    if (error) {
      this.logger.warn({ err: error }, 'Approval decision subscription failed');
      return;
    }
    let approval;
    try {
      approval = parsePayload(guardApprovalDecided, msg.json());
    } catch (invalid) {
      this.logger.warn({ err: invalid }, 'Ignored a malformed guard.approval.decided event');
      return;
    }
    void this.jarvis.approvals.heard(approval);
  }
}
