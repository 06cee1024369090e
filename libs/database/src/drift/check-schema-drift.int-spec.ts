import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@homelab/testing';
import { checkSchemaDrift } from './check-schema-drift.js';
import type { ExpectedModel } from './expected-model.js';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('schema_drift');
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

beforeEach(async () => {
  await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await pool.query(`
    CREATE TABLE "tenant" (
      "id" UUID NOT NULL DEFAULT gen_random_uuid(),
      "slug" TEXT NOT NULL,
      "note" VARCHAR(20),
      "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
      CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
    );
    CREATE TABLE _prisma_migrations ("id" VARCHAR(36) PRIMARY KEY);
  `);
});

const tenant: ExpectedModel = {
  table: 'tenant',
  model: 'Tenant',
  columns: [
    { name: 'id', field: 'Tenant.id', nullable: false, dataType: 'uuid' },
    { name: 'slug', field: 'Tenant.slug', nullable: false, dataType: 'text' },
    { name: 'note', field: 'Tenant.note', nullable: true, dataType: 'character varying', maxLength: 20 },
    { name: 'created_at', field: 'Tenant.createdAt', nullable: false, dataType: 'timestamp with time zone', datetimePrecision: 6 },
  ],
};

function withColumns(model: ExpectedModel, columns: ExpectedModel['columns']): ExpectedModel {
  return { ...model, columns };
}

describe('checkSchemaDrift', () => {
  it('reports nothing when the database matches the models', async () => {
    expect(await checkSchemaDrift(pool, [tenant])).toEqual([]);
    expect(await checkSchemaDrift(database.url, [tenant])).toEqual([]);
  });

  it('reports a column the schema added but no migration created', async () => {
    const added = withColumns(tenant, [...tenant.columns, { name: 'display_name', field: 'Tenant.displayName', nullable: false, dataType: 'text' }]);
    expect(await checkSchemaDrift(pool, [added])).toEqual(['column "tenant"."display_name" (Tenant.displayName) is missing']);
  });

  it('reports a column a migration created that the schema lacks', async () => {
    await pool.query('ALTER TABLE "tenant" ADD COLUMN "legacy" TEXT');
    expect(await checkSchemaDrift(pool, [tenant])).toEqual(['column "tenant"."legacy" is in the database but not in model Tenant']);
  });

  it('reports missing tables and tables without a model, but not _prisma_migrations', async () => {
    await pool.query('CREATE TABLE "orphan" ("id" INTEGER)');
    const guild: ExpectedModel = { table: 'guild', model: 'Guild', columns: [{ name: 'id', nullable: false, dataType: 'text' }] };
    expect(await checkSchemaDrift(pool, [tenant, guild])).toEqual([
      'table "guild" (Guild) is missing',
      'table "orphan" is in the database but has no model',
    ]);
    expect(await checkSchemaDrift(pool, [tenant], { ignoreTables: ['orphan'] })).toEqual([]);
  });

  it('reports nullability and type mismatches', async () => {
    await pool.query(`
      ALTER TABLE "tenant" ALTER COLUMN "slug" DROP NOT NULL;
      ALTER TABLE "tenant" ALTER COLUMN "note" TYPE VARCHAR(40);
      ALTER TABLE "tenant" ALTER COLUMN "created_at" TYPE TIMESTAMP(3);
      ALTER TABLE "tenant" ALTER COLUMN "id" TYPE TEXT;
    `);
    expect(await checkSchemaDrift(pool, [tenant])).toEqual([
      'column "tenant"."id" (Tenant.id) has type text in the database but the schema expects uuid',
      'column "tenant"."slug" (Tenant.slug) is nullable in the database but required in the schema',
      'column "tenant"."note" (Tenant.note) has type character varying(40) in the database but the schema expects character varying(20)',
      'column "tenant"."created_at" (Tenant.createdAt) has type timestamp without time zone(3) in the database but the schema expects timestamp with time zone(6)',
    ]);
  });

  it('leaves the type of columns without an expected type unchecked', async () => {
    const untyped = withColumns(tenant, tenant.columns.map(({ name, nullable }) => ({ name, nullable })));
    await pool.query('ALTER TABLE "tenant" ALTER COLUMN "id" TYPE TEXT');
    expect(await checkSchemaDrift(pool, [untyped])).toEqual([]);
  });
});
