import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The Prometheus metrics every service exposes on `/metrics`. */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly natsHandled = new Histogram({
    name: 'nats_server_handle_duration_seconds',
    help: 'NATS messages handled by this service, by subject and outcome',
    labelNames: ['subject', 'outcome'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly natsClientRequests = new Histogram({
    name: 'nats_client_request_duration_seconds',
    help: 'NATS requests sent by this service, by subject and outcome',
    labelNames: ['subject', 'outcome'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly natsPublished = new Counter({
    name: 'nats_client_events_published_total',
    help: 'Events published on NATS, by subject',
    labelNames: ['subject'] as const,
    registers: [this.registry],
  });

  readonly natsConnected = new Gauge({
    name: 'nats_connection_up',
    help: '1 while the NATS connection is established',
    registers: [this.registry],
  });

  readonly natsReconnects = new Counter({
    name: 'nats_reconnects_total',
    help: 'Times the NATS connection was re-established',
    registers: [this.registry],
  });

  readonly dependencyUp = new Gauge({
    name: 'service_dependency_up',
    help: '1 when the dependency is healthy',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
  });

  private readonly handledBySubject = new Map<string, Histogram.Internal<'subject' | 'outcome'>>();
  private readonly requestsBySubject = new Map<string, Histogram.Internal<'subject' | 'outcome'>>();

  /** Records a handled NATS message; label children are cached (this runs on every message). */
  observeHandled(subject: string, outcome: string, seconds: number): void {
    cachedChild(this.handledBySubject, this.natsHandled, subject, outcome).observe(seconds);
  }

  /** Records a NATS request this service made. */
  observeRequest(subject: string, outcome: string, seconds: number): void {
    cachedChild(this.requestsBySubject, this.natsClientRequests, subject, outcome).observe(seconds);
  }

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function cachedChild(
  cache: Map<string, Histogram.Internal<'subject' | 'outcome'>>,
  histogram: Histogram<'subject' | 'outcome'>,
  subject: string,
  outcome: string,
): Histogram.Internal<'subject' | 'outcome'> {
  const key = `${subject}\u0000${outcome}`;
  let child = cache.get(key);
  if (!child) cache.set(key, (child = histogram.labels({ subject, outcome })));
  return child;
}
