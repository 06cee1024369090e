import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { uniqueSubjectPrefix } from './naming.js';
import { canConnect } from './ports.js';
import { waitFor } from './wait-for.js';

describe('startNatsServer', () => {
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;

  afterEach(async () => {
    await nc?.close();
    await server?.dispose();
    nc = undefined;
    server = undefined;
  });

  async function roundTrip(connection: NatsConnection, subject: string): Promise<string> {
    const sub = connection.subscribe(subject, { max: 1 });
    connection.publish(subject, 'ping');
    for await (const msg of sub) return msg.string();
    throw new Error('subscription ended without a message');
  }

  it('stops and restarts on the same port while a client reconnects', async () => {
    server = await startNatsServer();
    const { port } = server;
    expect(server.url).toBe(`nats://127.0.0.1:${port}`);
    const firstPid = server.pid;
    expect(firstPid).toBeGreaterThan(0);

    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const statuses: string[] = [];
    void (async () => {
      for await (const status of nc.status()) statuses.push(status.type);
    })();
    const subject = `${uniqueSubjectPrefix()}echo`;
    expect(await roundTrip(nc, subject)).toBe('ping');

    await server.stop();
    expect(server.running).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(await canConnect(port)).toBe(false);
    await waitFor(() => statuses.includes('disconnect'), { message: 'the client to notice the outage' });

    await server.start();
    expect(server.port).toBe(port);
    expect(server.pid).toBeGreaterThan(0);
    expect(server.pid).not.toBe(firstPid);
    await waitFor(() => statuses.includes('reconnect'), { message: 'the client to reconnect' });
    expect(await roundTrip(nc, subject)).toBe('ping');
  });

  it('enables JetStream unless asked not to', async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    expect(nc.info?.jetstream).toBe(true);
    await nc.close();
    await server.dispose();

    server = await startNatsServer({ jetstream: false });
    nc = await connect({ servers: server.url });
    expect(nc.info?.jetstream ?? false).toBe(false);
  });

  it('fails clearly when the port is taken', async () => {
    server = await startNatsServer({ jetstream: false });
    await expect(startNatsServer({ jetstream: false, port: server.port })).rejects.toThrow(
      `Cannot start nats-server: 127.0.0.1:${server.port} is already in use`,
    );
  });
});
