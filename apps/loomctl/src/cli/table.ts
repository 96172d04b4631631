/** Rows as columns padded to their widest cell, separated by two spaces; the last cell unpadded. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** A list as a table: the header, then one row per item; `(none)` under the header when empty. */
export function formatList<T>(columns: readonly Column<T>[], items: readonly T[]): string[] {
  const lines = formatTable([
    columns.map((column) => column.header),
    ...items.map((item) => columns.map((column) => column.value(item))),
  ]);
  return items.length === 0 ? [...lines, '(none)'] : lines;
}

/** One resource as `FIELD  value` lines, as `openstack ... show` prints it. */
export function formatFields(fields: readonly (readonly [string, string])[]): string[] {
  return formatTable(fields.map(([field, value]) => [field, value]));
}

export interface Column<T> {
  readonly header: string;
  readonly value: (item: T) => string;
}
