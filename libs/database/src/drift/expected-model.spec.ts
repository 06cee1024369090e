import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../database-error.js';
import { modelsFromPrismaClient, modelsFromRuntimeDataModel, type RuntimeDataModel } from './expected-model.js';
import { parseSchemaFields } from './prisma-schema-text.js';

const schema = `
// a comment with a { brace
generator client {
  provider = "prisma-client"
}

/// Doc comment: model Fake { id Int }
model Job {
  id        BigInt    @id @default(autoincrement())
  url       String    @default("http://example.invalid/{x}") // not a comment inside the string
  labels    String[]
  state     JobState  @default(queued)
  note      String?   @db.VarChar(200)
  payload   Json      @default("{}")
  runAt     DateTime? @map("run_at") @db.Timestamptz(6)
  createdAt DateTime  @default(now()) @map("created_at")
  owner     User      @relation(fields: [ownerId], references: [id])
  ownerId   String    @map("owner_id") @db.Uuid
  geom      Unsupported("geometry")?

  @@index([state, runAt(sort: Desc)])
  @@map("job")
}

model User {
  id   String @id @db.Uuid
  jobs Job[]
}

enum JobState {
  queued
  done

  @@map("job_state")
}
`;

// what a Prisma 7 generated client embeds: names, kinds, types and dbName only
const runtimeDataModel: RuntimeDataModel = {
  models: {
    Job: {
      dbName: 'job',
      fields: [
        { name: 'id', kind: 'scalar', type: 'BigInt' },
        { name: 'url', kind: 'scalar', type: 'String' },
        { name: 'labels', kind: 'scalar', type: 'String' },
        { name: 'state', kind: 'enum', type: 'JobState' },
        { name: 'note', kind: 'scalar', type: 'String' },
        { name: 'payload', kind: 'scalar', type: 'Json' },
        { name: 'runAt', kind: 'scalar', type: 'DateTime', dbName: 'run_at' },
        { name: 'createdAt', kind: 'scalar', type: 'DateTime', dbName: 'created_at' },
        { name: 'owner', kind: 'object', type: 'User' },
        { name: 'ownerId', kind: 'scalar', type: 'String', dbName: 'owner_id' },
        { name: 'geom', kind: 'unsupported', type: 'geometry' },
      ],
    },
    User: {
      dbName: null,
      fields: [
        { name: 'id', kind: 'scalar', type: 'String' },
        { name: 'jobs', kind: 'object', type: 'Job' },
      ],
    },
  },
};

describe('parseSchemaFields', () => {
  it('reads modifiers and native types, ignoring comments and braces inside strings', () => {
    const models = parseSchemaFields(schema);
    expect([...models.keys()]).toEqual(['Job', 'User']);
    const job = new Map(models.get('Job')?.map((field) => [field.name, field]));
    expect(job.get('url')).toEqual({ name: 'url', type: 'String', optional: false, list: false });
    expect(job.get('labels')).toMatchObject({ list: true, optional: false });
    expect(job.get('note')).toMatchObject({ optional: true, nativeType: { name: 'VarChar', args: ['200'] } });
    expect(job.get('runAt')).toMatchObject({ optional: true, nativeType: { name: 'Timestamptz', args: ['6'] } });
    expect(job.get('geom')).toMatchObject({ type: 'Unsupported', optional: true });
    expect(job.size).toBe(11);
  });
});

describe('modelsFromRuntimeDataModel', () => {
  it('maps models to tables and scalar fields to columns with nullability and types', () => {
    // sorted by table name, code-unit order
    const [user, job] = modelsFromRuntimeDataModel(runtimeDataModel, schema);
    expect(user).toEqual({ table: 'User', model: 'User', columns: [{ name: 'id', field: 'User.id', nullable: false, dataType: 'uuid' }] });
    expect(job?.table).toBe('job');
    expect(job?.columns).toEqual([
      { name: 'id', field: 'Job.id', nullable: false, dataType: 'bigint' },
      { name: 'url', field: 'Job.url', nullable: false, dataType: 'text' },
      { name: 'labels', field: 'Job.labels', nullable: false, dataType: 'ARRAY' },
      { name: 'state', field: 'Job.state', nullable: false, dataType: 'USER-DEFINED', udtName: 'job_state' },
      { name: 'note', field: 'Job.note', nullable: true, dataType: 'character varying', maxLength: 200 },
      { name: 'payload', field: 'Job.payload', nullable: false, dataType: 'jsonb' },
      { name: 'run_at', field: 'Job.runAt', nullable: true, dataType: 'timestamp with time zone', datetimePrecision: 6 },
      { name: 'created_at', field: 'Job.createdAt', nullable: false, dataType: 'timestamp without time zone', datetimePrecision: 3 },
      { name: 'owner_id', field: 'Job.ownerId', nullable: false, dataType: 'uuid' },
      { name: 'geom', field: 'Job.geom', nullable: true },
    ]);
  });

  it('fails loudly when the schema text lacks a field of the runtime data model', () => {
    expect(() => modelsFromRuntimeDataModel(runtimeDataModel, schema.replace('  note      String?   @db.VarChar(200)\n', ''))).toThrow(
      /Job\.note/,
    );
  });
});

describe('modelsFromPrismaClient', () => {
  it('reads the internals a Prisma 7 client instance carries', () => {
    const client = { _runtimeDataModel: runtimeDataModel, _engineConfig: { inlineSchema: schema } };
    expect(modelsFromPrismaClient(client)).toEqual(modelsFromRuntimeDataModel(runtimeDataModel, schema));
  });

  it('rejects anything else instead of comparing nothing', () => {
    expect(() => modelsFromPrismaClient({})).toThrow(DatabaseError);
    expect(() => modelsFromPrismaClient({ _runtimeDataModel: runtimeDataModel })).toThrow(/inlineSchema/);
  });
});
