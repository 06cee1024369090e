import pg from 'pg';

/** Where to run: an existing pool (a connection is borrowed) or a URL (a connection is opened and closed). */
export type DatabaseTarget = pg.Pool | string;

export interface Session {
  readonly client: pg.ClientBase;
  /** Returns the connection; pass `broken` to have the pool discard it. */
  end(broken?: boolean): Promise<void>;
}

export async function openSession(target: DatabaseTarget, connectTimeoutMs = 10_000): Promise<Session> {
  if (typeof target !== 'string') {
    const client = await target.connect();
    return {
      client,
      end: async (broken) => client.release(broken ? true : undefined),
    };
  }
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: connectTimeoutMs });
  // a connection dropped between queries must not crash the process; the next query reports it
  client.on('error', () => undefined);
  await client.connect();
  return { client, end: () => client.end().catch(() => undefined) };
}

export async function withSession<T>(target: DatabaseTarget, work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  const session = await openSession(target);
  let broken = false;
  try {
    return await work(session.client);
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    await session.end(broken);
  }
}
