import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { SessionLock } from './session-lock.js';
import {
  CANCEL_REQUEST,
  errorResponse,
  GSSENC_REQUEST,
  isTerminate,
  PROTOCOL_3_0,
  ReadyForQueryTracker,
  simpleQuery,
  SSL_REQUEST,
  startupCode,
  startupParameters,
  SYNC,
  takeFrame,
  takeStartupFrame,
} from './wire-protocol.js';

/** One PGlite instance (one database) and the lock on its single session. */
interface ServedDatabase {
  readonly db: PGlite;
  readonly lock: SessionLock;
}

/**
 * A PostgreSQL wire-protocol server in front of several PGlite instances,
 * one per database name; a client picks one by the `database` of its
 * connection URL, as with a real server.
 *
 * PGlite runs one backend session, so all connections to a database share
 * it. A connection owns the session from its first message until the
 * backend is idle again (ReadyForQuery 'I'), so extended-protocol batches
 * and transactions of different connections never interleave. This is why
 * @electric-sql/pglite-socket's server is not used: it interleaves at the
 * message level, and once a batch spans two TCP reads (a large parameter),
 * another connection's Parse replaces the unnamed statement between this
 * one's Parse and Bind (seen with 0.2.17: "bind message supplies 2
 * parameters, but prepared statement "" requires 1").
 *
 * Shared-session limits: SET, temporary tables, named prepared statements and
 * LISTEN are visible to every connection of the database, and a connection
 * idle inside a transaction makes the others wait.
 */
export class PGliteServer {
  private readonly databases: ReadonlyMap<string, ServedDatabase>;
  private readonly connections = new Set<ClientConnection>();
  private server: net.Server | undefined;

  constructor(databases: ReadonlyMap<string, PGlite>) {
    this.databases = new Map([...databases].map(([name, db]) => [name, { db, lock: new SessionLock() }]));
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /**
   * Stops accepting, disconnects every client (open transactions are rolled
   * back) and waits until each database's session is idle.
   */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const connection of this.connections) connection.destroy();
    await stopped;
    await Promise.all([...this.connections].map((connection) => connection.finished));
    const closer = Symbol('close');
    await Promise.all([...this.databases.values()].map((served) => served.lock.acquire(closer)));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const connection = new ClientConnection(socket, (name) => this.databases.get(name));
    this.connections.add(connection);
    void connection.finished.then(() => this.connections.delete(connection));
  }
}

/** One client socket: start-up, then its messages forwarded to the PGlite session it owns. */
class ClientConnection {
  /** Resolves when the socket closed and the session was handed back clean. */
  readonly finished: Promise<void>;
  private readonly id = Symbol('connection');
  private readonly tracker = new ReadyForQueryTracker();
  private buffer: Buffer = Buffer.alloc(0);
  private database: ServedDatabase | undefined;
  private started = false;
  private pumping = false;
  private closed = false;
  private markFinished: () => void = () => undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly lookup: (name: string) => ServedDatabase | undefined,
  ) {
    this.finished = new Promise((resolve) => (this.markFinished = resolve));
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      void this.pump();
    });
    // 'close' always follows 'error'
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.database?.lock.cancel(this.id);
      void this.pump();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Handles buffered messages one at a time; never runs twice concurrently. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let frame = this.nextFrame(); frame && !this.closed; frame = this.nextFrame()) {
        await (this.started ? this.handleMessage(frame) : this.handleStartup(frame));
      }
    } catch {
      // a malformed message or a PGlite failure ends this connection only
      this.closed = true;
      this.socket.destroy();
    } finally {
      if (this.closed) await this.handBack();
      this.pumping = false;
    }
  }

  private nextFrame(): Buffer | undefined {
    const frame = this.started ? takeFrame(this.buffer) : takeStartupFrame(this.buffer);
    if (frame) this.buffer = frame.rest;
    return frame?.bytes;
  }

  private async handleStartup(frame: Buffer): Promise<void> {
    const code = startupCode(frame);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write('N'); // not supported: the client continues unencrypted (loopback only)
      return;
    }
    if (code === CANCEL_REQUEST) {
      this.socket.end();
      return;
    }
    if (code !== PROTOCOL_3_0) {
      this.refuse('08P01', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`);
      return;
    }
    const parameters = startupParameters(frame);
    const name = parameters['database'] ?? parameters['user'] ?? 'postgres';
    this.database = this.lookup(name);
    if (!this.database) {
      this.refuse('3D000', `database "${name}" does not exist`);
      return;
    }
    this.started = true;
    // PGlite answers the StartupMessage itself (AuthenticationOk … ReadyForQuery)
    await this.execute(frame);
  }

  private async handleMessage(frame: Buffer): Promise<void> {
    if (isTerminate(frame)) {
      this.closed = true;
      this.socket.end();
      return;
    }
    await this.execute(frame);
  }

  private refuse(code: string, message: string): void {
    this.closed = true;
    this.socket.end(errorResponse('FATAL', code, message));
  }

  /** Runs one message in the session, keeping ownership until the backend is idle. */
  private async execute(frame: Buffer): Promise<void> {
    const served = this.database as ServedDatabase;
    await served.lock.acquire(this.id);
    if (served.lock.heldBy !== this.id) return; // closed while waiting
    this.tracker.reset();
    await run(served.db, frame, (data) => {
      this.tracker.push(data);
      if (!this.socket.destroyed) this.socket.write(data);
    });
    if (this.tracker.status === 'I') served.lock.release(this.id);
  }

  /** After the client left: end its batch, roll back its transaction, free the session. */
  private async handBack(): Promise<void> {
    const served = this.database;
    try {
      if (served && served.lock.heldBy === this.id) {
        const tracker = new ReadyForQueryTracker();
        await run(served.db, SYNC, (data) => tracker.push(data)).catch(() => undefined);
        if (tracker.status !== 'I') await run(served.db, simpleQuery('ROLLBACK'), () => undefined).catch(() => undefined);
        served.lock.release(this.id);
      }
    } finally {
      this.markFinished();
    }
  }
}

function run(db: PGlite, message: Uint8Array, onRawData: (data: Uint8Array) => void): Promise<void> {
  return db.runExclusive(() => db.execProtocolRawStream(message, { onRawData }));
}
