import { connect } from '@nats-io/transport-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsServerBinary } from './binaries.js';
import { describeExit, forgetTempDir, rememberTempDir, spawnManaged, type ManagedProcess } from './child-process.js';
import { assertPortFree, freePort, waitForPort } from './ports.js';

export interface NatsServerOptions {
  /** Enable JetStream (with a private store directory). Defaults to true. */
  jetstream?: boolean;
  /** Port to listen on; a free one by default. */
  port?: number;
}

/** A throwaway nats-server on 127.0.0.1, for outage and reconnection tests. */
export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  /** PID of the current server process; undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM and wait for the process to exit. JetStream data is kept for {@link start}. */
  stop(): Promise<void>;
  /** Start again on the SAME port (no-op while running); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stop and delete the JetStream store. The handle cannot be restarted afterwards. */
  dispose(): Promise<void>;
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = natsServerBinary();
  const port = options.port ?? (await freePort());
  const storeDir = options.jetstream === false ? undefined : await mkdtemp(join(tmpdir(), 'homelab-nats-'));
  if (storeDir) rememberTempDir(storeDir);
  const args = ['-a', '127.0.0.1', '-p', String(port), ...(storeDir ? ['-js', '-sd', storeDir] : [])];

  let proc: ManagedProcess | undefined;
  let disposed = false;

  const start = async (): Promise<void> => {
    if (disposed) throw new Error('This nats-server handle was disposed');
    if (proc?.running) return;
    await assertPortFree(port, 'nats-server');
    const current = spawnManaged(binary, args);
    proc = current;
    const died = current.exited.then((info) => new Error(describeExit(`nats-server on port ${port}`, info, current.output())));
    try {
      await waitForPort(port, { giveUp: died });
    } catch (error) {
      await current.stop('SIGKILL');
      throw error;
    }
  };

  const stop = async (): Promise<void> => {
    await proc?.stop('SIGTERM');
  };

  const dispose = async (): Promise<void> => {
    disposed = true;
    await stop();
    if (storeDir) {
      await rm(storeDir, { recursive: true, force: true });
      forgetTempDir(storeDir);
    }
  };

  try {
    await start();
  } catch (error) {
    await dispose();
    throw error;
  }

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return proc?.running ? proc.child.pid : undefined;
    },
    get running() {
      return proc?.running ?? false;
    },
    stop,
    start,
    dispose,
  };
}

export interface NatsProbe {
  jetstream: boolean;
}

/** Connects once (no reconnects); undefined when nothing usable answers within `timeoutMs`. */
export async function probeNats(url: string, timeoutMs = 2_000): Promise<NatsProbe | undefined> {
  try {
    const nc = await connect({ servers: url, timeout: timeoutMs, reconnect: false, maxReconnectAttempts: 0 });
    const jetstream = nc.info?.jetstream ?? false;
    await nc.close();
    return { jetstream };
  } catch {
    return undefined;
  }
}
