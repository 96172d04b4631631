import fc from 'fast-check';
import { foldRowChanges, type RowChange, type TableWrites } from './row-changes';

interface Row {
  readonly name: string;
  readonly total: number;
  readonly label: string;
}
/** `add` accumulates (as version bumps and usage deltas do), `label` is set (as a display name). */
interface Patch {
  readonly add: number;
  readonly label?: string;
}

const patching = {
  applyTo: (row: Row, patch: Patch): Row => ({
    ...row,
    total: row.total + patch.add,
    label: patch.label ?? row.label,
  }),
  combine: (first: Patch, second: Patch): Patch => ({
    ...first,
    ...second,
    add: first.add + second.add,
  }),
};

const create = (name: string, total = 0, label = 'new'): RowChange<Row, Patch> => ({
  kind: 'create',
  name,
  row: { name, total, label },
});
const patch = (name: string, add: number, label?: string): RowChange<Row, Patch> => ({
  kind: 'patch',
  name,
  patch: label === undefined ? { add } : { add, label },
});
const remove = (name: string): RowChange<Row, Patch> => ({ kind: 'delete', name });

const fold = (changes: (RowChange<Row, Patch> | undefined)[]): TableWrites<Row, Patch> =>
  foldRowChanges(changes, patching);

describe('foldRowChanges', () => {
  it('writes a row created and changed in the batch once, in its final state', () => {
    expect(fold([create('a'), patch('a', 2), patch('a', 3, 'renamed')])).toEqual({
      deletes: [],
      upserts: [{ name: 'a', total: 5, label: 'renamed' }],
      patches: [],
    });
  });

  it('combines the changes to a row of an earlier batch into one patch', () => {
    expect(fold([patch('a', 1, 'first'), patch('b', 4), patch('a', 2)])).toEqual({
      deletes: [],
      upserts: [],
      patches: [
        { name: 'a', patch: { add: 3, label: 'first' } },
        { name: 'b', patch: { add: 4 } },
      ],
    });
  });

  it('deletes a row created in the batch, and drops the changes that came after', () => {
    expect(fold([create('a'), patch('a', 1), remove('a'), patch('a', 5)])).toEqual({
      deletes: ['a'],
      upserts: [],
      patches: [],
    });
  });

  it('deletes then writes whole a row deleted and created again, dropping earlier patches', () => {
    expect(fold([patch('a', 7), remove('a'), create('a', 1, 'again'), patch('a', 1)])).toEqual({
      deletes: ['a'],
      upserts: [{ name: 'a', total: 2, label: 'again' }],
      patches: [],
    });
  });

  it('ignores events that leave the table alone', () => {
    expect(fold([undefined, create('a'), undefined])).toEqual({
      deletes: [],
      upserts: [{ name: 'a', total: 0, label: 'new' }],
      patches: [],
    });
  });

  /** The table as applying each change with its own statement left it (save, update, delete). */
  function applyOneByOne(table: Map<string, Row>, changes: RowChange<Row, Patch>[]): void {
    for (const change of changes) {
      if (change.kind === 'create') table.set(change.name, change.row);
      else if (change.kind === 'delete') table.delete(change.name);
      else {
        const row = table.get(change.name);
        if (row) table.set(change.name, patching.applyTo(row, change.patch));
      }
    }
  }

  /** The table after the fold's writes, in the order writeRows sends them. */
  function applyWrites(table: Map<string, Row>, writes: TableWrites<Row, Patch>): void {
    for (const name of writes.deletes) table.delete(name);
    for (const row of writes.upserts) table.set(row.name, row);
    for (const { name, patch: change } of writes.patches) {
      const row = table.get(name);
      if (row) table.set(name, patching.applyTo(row, change));
    }
  }

  const names = fc.constantFrom('a', 'b', 'c');
  const change: fc.Arbitrary<RowChange<Row, Patch>> = fc.oneof(
    fc
      .tuple(names, fc.integer({ min: 0, max: 9 }), fc.string({ maxLength: 2 }))
      .map(([name, total, label]) => create(name, total, label)),
    fc
      .tuple(names, fc.integer({ min: -3, max: 3 }), fc.option(fc.string({ maxLength: 2 })))
      .map(([name, add, label]) => patch(name, add, label ?? undefined)),
    names.map(remove),
  );
  const storedRows = fc.uniqueArray(
    fc.record({ name: names, total: fc.integer({ min: 0, max: 9 }), label: fc.string() }),
    { selector: (row) => row.name },
  );

  it('leaves any table as applying the changes one by one would, for any batch split', () => {
    fc.assert(
      fc.property(
        storedRows,
        fc.array(change, { maxLength: 30 }),
        fc.integer({ min: 1, max: 30 }),
        (stored, changes, batchSize) => {
          const expected = new Map(stored.map((row) => [row.name, row]));
          applyOneByOne(expected, changes);
          const actual = new Map(stored.map((row) => [row.name, row]));
          for (let start = 0; start < changes.length; start += batchSize) {
            const writes = fold(changes.slice(start, start + batchSize));
            // Each name once per list: a multi-row upsert or update may not touch a row twice.
            expect(new Set(writes.upserts.map((row) => row.name)).size).toBe(writes.upserts.length);
            expect(new Set(writes.patches.map((p) => p.name)).size).toBe(writes.patches.length);
            applyWrites(actual, writes);
          }
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
