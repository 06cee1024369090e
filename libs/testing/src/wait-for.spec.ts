import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('resolves with the first value that is not undefined, null or false', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
    expect(await waitFor(async () => 0)).toBe(0);
  });

  it('keeps polling through errors', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        if (++calls < 3) throw new Error('not yet');
        return 'ready';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready');
  });

  it('times out with the message and the last error', async () => {
    const started = Date.now();
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 60, intervalMs: 10, message: 'the service to be healthy' },
      ),
    ).rejects.toThrow('waitFor timed out after 60 ms waiting for the service to be healthy; last error: connection refused');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await expect(waitFor(() => false, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(/waiting for condition$/);
  });
});
