// `GET /api/jetstream` (docs/dashboard-api.md, "Services"), from @homelab/dashboard-api.
export type { ConsumerHealth, StreamHealth, JetStreamReport } from '@homelab/dashboard-api';
