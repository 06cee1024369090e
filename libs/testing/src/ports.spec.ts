import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { canConnect, freePort, waitForPort } from './ports.js';

describe('ports', () => {
  it('finds a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await canConnect(port)).toBe(false);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await canConnect(port)).toBe(true);
      await waitForPort(port, { timeoutMs: 1_000 });
    } finally {
      server.close();
    }
  });

  it('stops waiting for a port when told to give up', async () => {
    const port = await freePort();
    await expect(waitForPort(port, { giveUp: Promise.resolve(new Error('server died')) })).rejects.toThrow('server died');
    await expect(waitForPort(port, { timeoutMs: 50 })).rejects.toThrow(`Nothing accepted connections on 127.0.0.1:${port}`);
  });
});
