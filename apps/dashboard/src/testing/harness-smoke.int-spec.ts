import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardHarness } from './dashboard-harness.test-helpers.js';

describe('dashboard harness', () => {
  let dash: DashboardHarness;
  beforeAll(async () => {
    dash = await startDashboard();
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('starts a healthy dashboard whose API answers', async () => {
    const response = await (await dash.as('viewer')).get('/api/services');
    expect(response.status).toBe(200);
    expect(response.json<{ services: unknown[] }>().services).toHaveLength(5);
  });
});
