import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../migrations/apply-migrations.js';
import { checkSchemaDrift } from '../drift/check-schema-drift.js';
import { modelsFromPrismaClient } from '../drift/expected-model.js';
import { createPrismaPgAdapter } from '../pool/create-pool.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

const libRoot = resolve(import.meta.dirname, '../..');
const workspaceRoot = resolve(libRoot, '../..');
const fixtureSchema = join(libRoot, 'test-fixtures/schema.prisma');
const fixtureMigrations = join(libRoot, 'test-fixtures/migrations');

interface Note {
  id: string;
  body: string;
  author: string | null;
  createdAt: Date;
}

/** The part of the generated fixture client this spec uses (it is generated at test time, so not imported statically). */
interface NoteClient {
  note: {
    create(args: { data: { body: string; author?: string } }): Promise<Note>;
    findMany(args?: { where?: { author?: string } }): Promise<Note[]>;
    count(args?: { where?: { author?: string } }): Promise<number>;
  };
  $transaction<T>(work: (tx: NoteClient) => Promise<T>): Promise<T>;
  $disconnect(): Promise<void>;
}
type NoteClientConstructor = new (options: { adapter: ReturnType<typeof createPrismaPgAdapter> }) => NoteClient;

let dataDir: string;
let embedded: EmbeddedPostgres;
let PrismaClient: NoteClientConstructor;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(workspaceRoot, 'tools/prisma-generate.mjs'), fixtureSchema], { cwd: workspaceRoot });
  const clientModule = join(libRoot, 'src/generated/test-client/client.ts');
  ({ PrismaClient } = (await import(/* @vite-ignore */ clientModule)) as { PrismaClient: NoteClientConstructor });
  dataDir = await mkdtemp(join(tmpdir(), 'embedded-pg-'));
  embedded = await startEmbeddedPostgres({ dataDir, databases: ['alpha', 'beta'] });
});

afterAll(async () => {
  await embedded?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  it('serves each database under its own name on one loopback port', async () => {
    expect(embedded.urls).toEqual({
      alpha: `postgresql://postgres@127.0.0.1:${embedded.port}/alpha`,
      beta: `postgresql://postgres@127.0.0.1:${embedded.port}/beta`,
    });
    await withClient(embedded.urls['alpha'] as string, (client) => client.query('CREATE TABLE only_in_alpha (id int)'));
    const inBeta = await withClient(embedded.urls['beta'] as string, (client) =>
      client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'only_in_alpha'"),
    );
    expect(inBeta.rowCount).toBe(0);
    await withClient(embedded.urls['alpha'] as string, (client) => client.query('DROP TABLE only_in_alpha'));

    const unknown = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${embedded.port}/gamma` });
    await expect(unknown.connect()).rejects.toMatchObject({ code: '3D000', message: 'database "gamma" does not exist' });
  });

  it('takes migrations like a PostgreSQL server', async () => {
    const url = embedded.urls['alpha'] as string;
    expect(await applyMigrations({ connectionString: url, migrationsDir: fixtureMigrations })).toEqual({
      applied: ['20261123000000_init'],
      alreadyApplied: 0,
    });
    expect(await applyMigrations({ connectionString: url, migrationsDir: fixtureMigrations })).toEqual({ applied: [], alreadyApplied: 1 });
  });

  it('keeps concurrent connections apart: batches and transactions never interleave', async () => {
    const pool = new pg.Pool({ connectionString: embedded.urls['alpha'], max: 4 });
    try {
      const clients = await Promise.all([1, 2, 3, 4].map(() => pool.connect()));
      expect(pool.totalCount).toBe(4);
      // a 1 MB parameter spans many TCP reads: the case that breaks message-level multiplexing
      const big = 'x'.repeat(1_000_000);
      const work = clients.map(async (client, index) => {
        for (let i = 0; i < 25; i++) {
          const { rows } = await client.query<{ n: number; len: number }>('SELECT $1::int AS n, length($2::text) AS len', [
            index * 100 + i,
            i % 5 === 0 ? big : 'small',
          ]);
          expect(rows[0]).toEqual({ n: index * 100 + i, len: i % 5 === 0 ? big.length : 5 });
        }
        await client.query('BEGIN');
        await client.query('INSERT INTO note (body, author) VALUES ($1, $2)', [`from ${index}`, 'concurrent']);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await client.query(index % 2 === 0 ? 'COMMIT' : 'ROLLBACK');
      });
      await Promise.all(work);
      for (const client of clients) client.release();
      const { rows } = await pool.query<{ body: string }>("SELECT body FROM note WHERE author = 'concurrent' ORDER BY body");
      expect(rows.map((row) => row.body)).toEqual(['from 0', 'from 2']);
    } finally {
      await pool.end();
    }
  });

  it('rolls back the open transaction of a client that disconnects, and serves the others', async () => {
    const url = embedded.urls['alpha'] as string;
    const leaver = new pg.Client({ connectionString: url });
    await leaver.connect();
    await leaver.query('BEGIN');
    await leaver.query("INSERT INTO note (body, author) VALUES ('never committed', 'leaver')");
    const waiting = withClient(url, (client) => client.query<{ count: number }>("SELECT count(*)::int AS count FROM note WHERE author = 'leaver'"));
    leaver.on('error', () => undefined);
    (leaver as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const { rows } = await waiting;
    expect(rows[0]?.count).toBe(0);
  });

  it('works with Prisma through @prisma/adapter-pg', async () => {
    const prisma = new PrismaClient({ adapter: createPrismaPgAdapter(embedded.urls['alpha'] as string, { max: 4 }) });
    try {
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) => prisma.note.create({ data: { body: `note ${i}`, author: 'prisma' } })),
      );
      expect(created[0]).toMatchObject({ body: 'note 0', author: 'prisma' });
      expect(created[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created[0]?.createdAt).toBeInstanceOf(Date);
      expect(await prisma.note.count({ where: { author: 'prisma' } })).toBe(12);

      await expect(
        prisma.$transaction(async (tx) => {
          await tx.note.create({ data: { body: 'rolled back', author: 'prisma-tx' } });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await prisma.note.findMany({ where: { author: 'prisma-tx' } })).toEqual([]);

      expect(await checkSchemaDrift(embedded.urls['alpha'] as string, modelsFromPrismaClient(prisma))).toEqual([]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('keeps data across restarts and refuses a second server on the same directory', async () => {
    await expect(startEmbeddedPostgres({ dataDir, databases: ['alpha'] })).rejects.toThrow(`in use by process ${process.pid}`);
    await embedded.close();
    const lockFile = join(dataDir, 'embedded-postgres.pid');
    // another live process holds it
    await writeFile(lockFile, String(process.ppid));
    await expect(startEmbeddedPostgres({ dataDir, databases: ['alpha'] })).rejects.toThrow(`in use by process ${process.ppid}`);
    // left behind by a previous run that had our pid (pid 1 in a container)
    await writeFile(lockFile, String(process.pid));
    embedded = await startEmbeddedPostgres({ dataDir, databases: ['alpha', 'beta'] });
    const { rows } = await withClient(embedded.urls['alpha'] as string, (client) =>
      client.query<{ count: number }>("SELECT count(*)::int AS count FROM note WHERE author = 'prisma'"),
    );
    expect(rows[0]?.count).toBe(12);
    expect(await applyMigrations({ connectionString: embedded.urls['alpha'] as string, migrationsDir: fixtureMigrations })).toEqual({
      applied: [],
      alreadyApplied: 1,
    });
  });
});
