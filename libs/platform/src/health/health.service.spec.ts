import { describe, expect, it } from 'vitest';
import { ServiceMetrics } from '@homelab/tracing';
import { HealthService } from './health.service.js';

function service(): HealthService {
  return new HealthService({ service: 'automation', instanceId: 'i', version: '1.2.3', startedAt: new Date(Date.now() - 5000) }, new ServiceMetrics('automation'));
}

describe('HealthService', () => {
  it('is up only when every dependency is', async () => {
    const health = service();
    health.register('nats', () => ({ status: 'up' }));
    health.register('database', async () => ({ status: 'up', latencyMs: 1 }));
    const result = await health.check();
    expect(result).toMatchObject({ service: 'automation', status: 'up', down: [], version: '1.2.3' });
    expect(result.uptimeSeconds).toBeGreaterThanOrEqual(4);
  });

  it('names what is down, including checks that throw or hang', async () => {
    const health = service();
    health.register('nats', () => ({ status: 'up' }));
    health.register('database', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    health.register('vault', () => new Promise(() => undefined));
    const result = await health.check();
    expect(result.status).toBe('down');
    expect(result.down).toEqual(['database', 'vault']);
    expect(result.checks['database']?.error).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(result.checks['vault']?.error).toMatch(/timed out/);
  });
});
