import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, jarvisGuardConfig, dashboardConfig, sensitiveVariables } from './index.js';

const base = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/guard' };

async function problem(env: Record<string, string>): Promise<string> {
  try {
    await loadConfig(jarvisGuardConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('loadConfig', () => {
  it('applies defaults and coerces types', async () => {
    const config = await loadConfig(jarvisGuardConfig, base);
    expect(config.HTTP_PORT).toBe(3003);
    expect(config.NATS_URL).toEqual(['nats://127.0.0.1:4222']);
    expect(config.TRACING_ENABLED).toBe(true);
    const dashboard = await loadConfig(dashboardConfig, { ...base, HTTP_PORT: '8080', NATS_URL: 'nats://a:1, nats://b:2' });
    expect(dashboard.HTTP_PORT).toBe(8080);
    expect(dashboard.NATS_URL).toEqual(['nats://a:1', 'nats://b:2']);
  });

  it('names a missing required variable in one line', async () => {
    expect(await problem({})).toBe('Invalid configuration: DATABASE_URL is required but not set');
  });

  it('names a bad variable and shows the offending value', async () => {
    const message = await problem({ ...base, HTTP_PORT: 'eighty' });
    expect(message).toMatch(/^Invalid configuration: HTTP_PORT must be .*\(got "eighty"\)$/);
    expect(message).not.toContain('\n');
    expect(await problem({ ...base, NATS_URL: 'http://x' })).toContain('NATS_URL');
    expect(await problem({ ...base, LOG_LEVEL: 'loud' })).toContain('LOG_LEVEL');
  });

  it('never echoes a sensitive value', async () => {
    const message = await problem({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });

  it('reads sensitive variables through the secret resolver only', async () => {
    const asked: string[] = [];
    const config = await loadConfig(jarvisGuardConfig, { DATABASE_URL: 'ignored' }, async (name) => {
      asked.push(name);
      return name === 'DATABASE_URL' ? base.DATABASE_URL : undefined;
    });
    expect(config.DATABASE_URL).toBe(base.DATABASE_URL);
    expect(asked.sort()).toEqual(sensitiveVariables(jarvisGuardConfig).sort());
  });
});
