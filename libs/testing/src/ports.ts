import { connect, createServer } from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago (bind to :0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` right now. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Throws when something already listens on 127.0.0.1:`port`, so a new server there could not be told apart from it. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  if (await canConnect(port)) throw new Error(`Cannot start ${what}: 127.0.0.1:${port} is already in use`);
}

export interface WaitForPortOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Stops waiting early (e.g. the server process died); its reason becomes the error. */
  giveUp?: Promise<Error>;
}

/** Polls until 127.0.0.1:`port` accepts connections. */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { timeoutMs = 15_000, intervalMs = 25 } = options;
  let failure: Error | undefined;
  void options.giveUp?.then((error) => {
    failure = error;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (failure) throw failure;
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw failure ?? new Error(`Nothing accepted connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
