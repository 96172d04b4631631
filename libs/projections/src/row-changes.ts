/**
 * What one event does to one read-model row, keyed by the row's name: creates it whole, changes
 * some of its columns (a patch), or deletes it.
 */
export type RowChange<Row, Patch> =
  | { readonly kind: 'create'; readonly name: string; readonly row: Row }
  | { readonly kind: 'patch'; readonly name: string; readonly patch: Patch }
  | { readonly kind: 'delete'; readonly name: string };

/** How a projection's patches act: on a row it holds whole, and on each other. */
export interface RowPatching<Row, Patch> {
  /** The row after the patch: for a row created earlier in the same batch. */
  applyTo(row: Row, patch: Patch): Row;
  /** One patch with the effect of `first`, then `second`: for a row of an earlier batch. */
  combine(first: Patch, second: Patch): Patch;
}

/**
 * What a batch of changes comes to for one table, each name at most once per list: written in
 * this order, deletes, then upserts, then patches, it leaves the table as applying the changes
 * one by one would.
 */
export interface TableWrites<Row, Patch> {
  /** Every name a change deleted (also those created again afterwards: the upsert follows). */
  readonly deletes: string[];
  /** Rows the batch knows whole (created in it), in their final state. */
  readonly upserts: Row[];
  /** Changes to rows stored by earlier batches, combined per name; a row that is absent stays absent. */
  readonly patches: { readonly name: string; readonly patch: Patch }[];
}

type Pending<Row, Patch> =
  | { readonly kind: 'row'; readonly row: Row }
  | { readonly kind: 'patch'; readonly patch: Patch }
  | { readonly kind: 'gone' };

/**
 * Folds a batch's changes, in order, into the final state of every row they touch: a row created
 * and changed in the batch is written once in its final state; changes to a stored row become one
 * patch; a patch after a delete is dropped (as an UPDATE of an absent row does nothing).
 * `undefined` stands for an event that leaves the table alone.
 */
export function foldRowChanges<Row, Patch>(
  changes: Iterable<RowChange<Row, Patch> | undefined>,
  patching: RowPatching<Row, Patch>,
): TableWrites<Row, Patch> {
  const pending = new Map<string, Pending<Row, Patch>>();
  const deletes = new Set<string>();
  for (const change of changes) {
    if (change === undefined) continue;
    const before = pending.get(change.name);
    switch (change.kind) {
      case 'create':
        pending.set(change.name, { kind: 'row', row: change.row });
        break;
      case 'delete':
        deletes.add(change.name);
        pending.set(change.name, { kind: 'gone' });
        break;
      case 'patch':
        pending.set(change.name, patched(before, change.patch, patching));
        break;
      default: {
        const exhaustive: never = change;
        return exhaustive;
      }
    }
  }
  const upserts: Row[] = [];
  const patches: { name: string; patch: Patch }[] = [];
  for (const [name, state] of pending) {
    if (state.kind === 'row') upserts.push(state.row);
    else if (state.kind === 'patch') patches.push({ name, patch: state.patch });
  }
  return { deletes: [...deletes], upserts, patches };
}

function patched<Row, Patch>(
  before: Pending<Row, Patch> | undefined,
  patch: Patch,
  patching: RowPatching<Row, Patch>,
): Pending<Row, Patch> {
  if (before === undefined) return { kind: 'patch', patch };
  switch (before.kind) {
    case 'row':
      return { kind: 'row', row: patching.applyTo(before.row, patch) };
    case 'patch':
      return { kind: 'patch', patch: patching.combine(before.patch, patch) };
    case 'gone':
      return before;
    default: {
      const exhaustive: never = before;
      return exhaustive;
    }
  }
}
