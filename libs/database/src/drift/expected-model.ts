import { z } from 'zod';
import { DatabaseError, DatabaseErrorCode } from '../database-error.js';
import { parseEnumDbNames, parseSchemaFields, type SchemaField } from './prisma-schema-text.js';

/** A column as the Prisma schema says the database should have it. */
export interface ExpectedColumn {
  readonly name: string;
  /** Prisma field it comes from, for messages. */
  readonly field?: string;
  readonly nullable: boolean;
  /**
   * `information_schema.columns.data_type` it must have (`uuid`,
   * `timestamp with time zone`, `ARRAY`, `USER-DEFINED`…); unset = not checked.
   */
  readonly dataType?: string;
  /** `udt_name` for enums and other user-defined types. */
  readonly udtName?: string;
  /** `datetime_precision` for timestamps and times. */
  readonly datetimePrecision?: number;
  /** `character_maximum_length` for VarChar(n) and Char(n). */
  readonly maxLength?: number;
}

/** A table as the Prisma schema says the database should have it. */
export interface ExpectedModel {
  readonly table: string;
  /** Prisma model it comes from, for messages. */
  readonly model?: string;
  readonly columns: readonly ExpectedColumn[];
}

/**
 * The shape of `runtimeDataModel` in a Prisma 7 generated client. Prisma
 * prunes it to what the query compiler needs: names, kinds, types and
 * `dbName` (@map / @@map) — no nullability or native types.
 */
const runtimeDataModelSchema = z.object({
  models: z.record(
    z.string(),
    z.object({
      dbName: z.string().nullish(),
      fields: z.array(
        z.object({
          name: z.string(),
          kind: z.enum(['scalar', 'object', 'enum', 'unsupported']),
          type: z.string(),
          dbName: z.string().nullish(),
        }),
      ),
    }),
  ),
});

export type RuntimeDataModel = z.input<typeof runtimeDataModelSchema>;

/**
 * Builds the expected tables from a generated client's runtime data model
 * and its embedded schema text. The runtime data model is authoritative for
 * table and column names (the client builds its SQL from it); the schema
 * text adds what the runtime data model omits: optionality and `@db.*`.
 */
export function modelsFromRuntimeDataModel(runtimeDataModel: RuntimeDataModel, schemaText: string): ExpectedModel[] {
  const dataModel = runtimeDataModelSchema.parse(runtimeDataModel);
  const schemaFields = parseSchemaFields(schemaText);
  // Prisma 7 empties the runtime data model's enums, so their @@map comes from the schema text
  const enumDbNames = parseEnumDbNames(schemaText);

  return Object.entries(dataModel.models)
    .map(([modelName, model]) => {
      const fields = new Map((schemaFields.get(modelName) ?? []).map((field) => [field.name, field]));
      const columns = model.fields
        .filter((field) => field.kind !== 'object')
        .map((field): ExpectedColumn => {
          const declared = fields.get(field.name);
          if (!declared) {
            throw new DatabaseError(
              DatabaseErrorCode.UnsupportedPrismaClient,
              `Field ${modelName}.${field.name} is in the client's runtime data model but not in its schema text`,
            );
          }
          return {
            name: field.dbName ?? field.name,
            field: `${modelName}.${field.name}`,
            nullable: declared.optional,
            ...columnType(field.kind, declared, enumDbNames),
          };
        });
      return { table: model.dbName ?? modelName, model: modelName, columns };
    })
    .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

/**
 * Reads the expected tables from an instance of a Prisma 7 generated client
 * (`new PrismaClient({ adapter })`; it need not be connected).
 *
 * Why the instance: the `prisma-client` generator no longer exports
 * `Prisma.dmmf`, and `Prisma.*ScalarFieldEnum` holds field names without
 * their @map. The client instance keeps the runtime data model it generates
 * SQL from (`_runtimeDataModel`, typed in @prisma/client/runtime's
 * `getPrismaClient`) and the schema it was generated from
 * (`_engineConfig.inlineSchema`). Both are internal, so their shape is
 * checked and a client that lacks them fails with UNSUPPORTED_PRISMA_CLIENT
 * instead of a silently empty comparison.
 */
export function modelsFromPrismaClient(client: object): ExpectedModel[] {
  const runtimeDataModel: unknown = Reflect.get(client, '_runtimeDataModel');
  const engineConfig: unknown = Reflect.get(client, '_engineConfig');
  const inlineSchema = typeof engineConfig === 'object' && engineConfig !== null ? Reflect.get(engineConfig, 'inlineSchema') : undefined;
  const parsed = runtimeDataModelSchema.safeParse(runtimeDataModel);
  if (!parsed.success || typeof inlineSchema !== 'string') {
    throw new DatabaseError(
      DatabaseErrorCode.UnsupportedPrismaClient,
      'Expected a PrismaClient instance from a Prisma 7 generated client (with _runtimeDataModel and _engineConfig.inlineSchema)',
    );
  }
  return modelsFromRuntimeDataModel(parsed.data, inlineSchema);
}

type ColumnType = Pick<ExpectedColumn, 'dataType' | 'udtName' | 'datetimePrecision' | 'maxLength'>;

/** Column types Prisma Migrate gives scalars without `@db.*` on PostgreSQL. */
const DEFAULT_NATIVE_TYPE: Readonly<Record<string, { name: string; args: string[] }>> = {
  String: { name: 'Text', args: [] },
  Boolean: { name: 'Boolean', args: [] },
  Int: { name: 'Integer', args: [] },
  BigInt: { name: 'BigInt', args: [] },
  Float: { name: 'DoublePrecision', args: [] },
  Decimal: { name: 'Decimal', args: ['65', '30'] },
  DateTime: { name: 'Timestamp', args: ['3'] },
  Json: { name: 'JsonB', args: [] },
  Bytes: { name: 'ByteA', args: [] },
};

/** `@db.*` attribute → information_schema `data_type`. */
const DATA_TYPE: Readonly<Record<string, string>> = {
  Text: 'text',
  VarChar: 'character varying',
  Char: 'character',
  Uuid: 'uuid',
  Xml: 'xml',
  Inet: 'inet',
  Bit: 'bit',
  VarBit: 'bit varying',
  Boolean: 'boolean',
  SmallInt: 'smallint',
  Integer: 'integer',
  Oid: 'oid',
  BigInt: 'bigint',
  DoublePrecision: 'double precision',
  Real: 'real',
  Decimal: 'numeric',
  Money: 'money',
  Timestamp: 'timestamp without time zone',
  Timestamptz: 'timestamp with time zone',
  Date: 'date',
  Time: 'time without time zone',
  Timetz: 'time with time zone',
  Json: 'json',
  JsonB: 'jsonb',
  ByteA: 'bytea',
  Citext: 'USER-DEFINED',
};

const WITH_PRECISION = new Set(['Timestamp', 'Timestamptz', 'Time', 'Timetz']);
const WITH_LENGTH = new Set(['VarChar', 'Char']);
/** PostgreSQL's precision for a time type declared without one. */
const DEFAULT_TIME_PRECISION = 6;

function columnType(kind: string, field: SchemaField, enumDbNames: Map<string, string>): ColumnType {
  if (field.list) return { dataType: 'ARRAY' };
  if (kind === 'enum') return { dataType: 'USER-DEFINED', udtName: enumDbNames.get(field.type) ?? field.type };
  if (kind !== 'scalar') return {};
  const native = field.nativeType ?? DEFAULT_NATIVE_TYPE[field.type];
  const dataType = native ? DATA_TYPE[native.name] : undefined;
  if (!native || !dataType) return {};
  const size = native.args[0] === undefined ? undefined : Number(native.args[0]);
  return {
    dataType,
    ...(native.name === 'Citext' ? { udtName: 'citext' } : {}),
    ...(WITH_PRECISION.has(native.name) ? { datetimePrecision: size ?? DEFAULT_TIME_PRECISION } : {}),
    ...(WITH_LENGTH.has(native.name) && size !== undefined ? { maxLength: size } : {}),
  };
}
