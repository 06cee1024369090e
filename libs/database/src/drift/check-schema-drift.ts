import { withSession, type DatabaseTarget } from '../pool/database-target.js';
import type { ExpectedColumn, ExpectedModel } from './expected-model.js';

export interface CheckSchemaDriftOptions {
  /** Tables in the database that need no model. `_prisma_migrations` is always ignored. */
  ignoreTables?: readonly string[];
}

interface ActualColumn {
  table_name: string;
  column_name: string;
  is_nullable: 'YES' | 'NO';
  data_type: string;
  udt_name: string;
  datetime_precision: number | null;
  character_maximum_length: number | null;
}

const MIGRATIONS_TABLE = '_prisma_migrations';

/**
 * Compares the tables the Prisma schema expects with the database's current
 * schema (`current_schema()`, normally `public`) and returns one readable
 * line per difference: missing or unexpected tables and columns, nullability
 * and type mismatches. An empty list means they agree.
 */
export async function checkSchemaDrift(
  target: DatabaseTarget,
  expected: readonly ExpectedModel[],
  options: CheckSchemaDriftOptions = {},
): Promise<string[]> {
  const actual = await withSession(target, async (client) => {
    const { rows } = await client.query<ActualColumn>(
      `SELECT c.table_name, c.column_name, c.is_nullable, c.data_type, c.udt_name,
              c.datetime_precision, c.character_maximum_length
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name, c.ordinal_position`,
    );
    return rows;
  });
  const tables = groupByTable(actual);
  const ignored = new Set([MIGRATIONS_TABLE, ...(options.ignoreTables ?? [])]);
  const differences: string[] = [];

  for (const model of expected) {
    const columns = tables.get(model.table);
    if (!columns) {
      differences.push(`table "${model.table}"${origin(model.model)} is missing`);
      continue;
    }
    differences.push(...compareTable(model, columns));
  }
  const modelled = new Set(expected.map((model) => model.table));
  for (const table of tables.keys()) {
    if (!modelled.has(table) && !ignored.has(table)) differences.push(`table "${table}" is in the database but has no model`);
  }
  return differences;
}

function groupByTable(rows: ActualColumn[]): Map<string, Map<string, ActualColumn>> {
  const tables = new Map<string, Map<string, ActualColumn>>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Map<string, ActualColumn>();
    columns.set(row.column_name, row);
    tables.set(row.table_name, columns);
  }
  return tables;
}

function compareTable(model: ExpectedModel, columns: Map<string, ActualColumn>): string[] {
  const differences: string[] = [];
  for (const column of model.columns) {
    const actual = columns.get(column.name);
    const where = `column "${model.table}"."${column.name}"${origin(column.field)}`;
    if (!actual) differences.push(`${where} is missing`);
    else differences.push(...compareColumn(where, column, actual));
  }
  const expectedNames = new Set(model.columns.map((column) => column.name));
  for (const name of columns.keys()) {
    if (!expectedNames.has(name)) differences.push(`column "${model.table}"."${name}" is in the database but not in model ${model.model ?? model.table}`);
  }
  return differences;
}

function compareColumn(where: string, expected: ExpectedColumn, actual: ActualColumn): string[] {
  const differences: string[] = [];
  const nullable = actual.is_nullable === 'YES';
  if (nullable !== expected.nullable) {
    differences.push(`${where} is ${nullable ? 'nullable' : 'NOT NULL'} in the database but ${expected.nullable ? 'optional' : 'required'} in the schema`);
  }
  const actualType = describeType(actual.data_type, actual.udt_name, actual.datetime_precision, actual.character_maximum_length);
  const expectedType = describeType(
    expected.dataType,
    expected.udtName ?? actual.udt_name,
    expected.datetimePrecision ?? actual.datetime_precision,
    expected.maxLength ?? actual.character_maximum_length,
  );
  if (expected.dataType !== undefined && actualType !== expectedType) {
    differences.push(`${where} has type ${actualType} in the database but the schema expects ${expectedType}`);
  }
  return differences;
}

/** `timestamp with time zone(6)`, `character varying(20)`, `USER-DEFINED citext`, `text`. */
function describeType(dataType: string | undefined, udtName: string, precision: number | null, length: number | null): string {
  if (dataType === 'USER-DEFINED') return `${dataType} ${udtName}`;
  if (dataType?.startsWith('time')) return `${dataType}(${precision ?? '?'})`;
  if (length !== null && (dataType === 'character varying' || dataType === 'character')) return `${dataType}(${length})`;
  return dataType ?? '(unchecked)';
}

function origin(name: string | undefined): string {
  return name ? ` (${name})` : '';
}
