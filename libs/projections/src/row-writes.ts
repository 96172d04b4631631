import type { EntityManager, EntityMetadata } from 'typeorm';
import type { EntityClass } from './projection';
import type { TableWrites } from './row-changes';

/**
 * The UPDATE that applies patches to stored rows, computed from their stored values. `$1` is a
 * JSON array of `toRecord` results, read with `jsonb_to_recordset($1::jsonb) AS p(name text, ...)`.
 */
export interface PatchStatement<Patch> {
  readonly sql: string;
  toRecord(name: string, patch: Patch): Record<string, unknown>;
}

interface TableStatements {
  readonly delete: string;
  readonly upsert: string;
  /** The row as JSON-ready columns, keyed by column name (a Date becomes its ISO string). */
  readonly toRecord: (row: object) => Record<string, unknown>;
}

/**
 * Writes what a batch came to for one entity's table, in the batch's transaction: at most one
 * DELETE, one INSERT ... ON CONFLICT DO UPDATE (so that replaying a create stays harmless) and
 * one UPDATE, whatever the number of rows. Rows travel as one JSON parameter per statement.
 */
export async function writeRows<Row extends object, Patch>(
  manager: EntityManager,
  entity: EntityClass,
  writes: TableWrites<Row, Patch>,
  patches: PatchStatement<Patch>,
): Promise<void> {
  const table = tableStatements(manager, entity);
  if (writes.deletes.length > 0) {
    await manager.query(table.delete, [writes.deletes]);
  }
  if (writes.upserts.length > 0) {
    await manager.query(table.upsert, [JSON.stringify(writes.upserts.map(table.toRecord))]);
  }
  if (writes.patches.length > 0) {
    const records = writes.patches.map(({ name, patch }) => patches.toRecord(name, patch));
    await manager.query(patches.sql, [JSON.stringify(records)]);
  }
}

const statementsByEntity = new WeakMap<EntityMetadata, TableStatements>();

/** Built once per entity from its TypeORM metadata, so columns are declared in one place. */
function tableStatements(manager: EntityManager, entity: EntityClass): TableStatements {
  const metadata = manager.dataSource.getMetadata(entity);
  const known = statementsByEntity.get(metadata);
  if (known) return known;
  const { driver } = manager.dataSource;
  const [key, ...otherKeys] = metadata.primaryColumns;
  if (!key || otherKeys.length > 0) {
    throw new Error(`${metadata.name}: set-based writes need a primary key of one column`);
  }
  const quote = (name: string): string => driver.escape(name);
  const table = metadata.schema
    ? `${quote(metadata.schema)}.${quote(metadata.tableName)}`
    : quote(metadata.tableName);
  const columns = metadata.columns.map((column) => quote(column.databaseName));
  const columnTypes = metadata.columns.map(
    (column) =>
      `${quote(column.databaseName)} ${driver.normalizeType(column)}${column.isArray ? '[]' : ''}`,
  );
  const updates = metadata.columns
    .filter((column) => column !== key)
    .map((column) => `${quote(column.databaseName)} = EXCLUDED.${quote(column.databaseName)}`);
  const statements: TableStatements = {
    delete: `DELETE FROM ${table} WHERE ${quote(key.databaseName)} = ANY($1::${driver.normalizeType(key)}[])`,
    upsert:
      `INSERT INTO ${table} (${columns.join(', ')}) ` +
      `SELECT ${columns.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${columnTypes.join(', ')}) ` +
      `ON CONFLICT (${quote(key.databaseName)}) DO ` +
      (updates.length > 0 ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'),
    toRecord: (row) =>
      Object.fromEntries(
        metadata.columns.map((column) => [column.databaseName, column.getEntityValue(row) ?? null]),
      ),
  };
  statementsByEntity.set(metadata, statements);
  return statements;
}
