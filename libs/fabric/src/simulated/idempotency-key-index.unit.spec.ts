import fc from 'fast-check';
import { IdempotencyKeyIndex } from './idempotency-key-index';
import type { SimulatedWorld } from './simulated-world';

type Step =
  | { readonly kind: 'submit'; readonly key: string }
  | { readonly kind: 'prune'; readonly count: number }
  | { readonly kind: 'reread' }
  | { readonly kind: 'reset'; readonly keys: readonly string[] }
  | { readonly kind: 'lookup'; readonly key: string };

const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), key: fc.constantFrom(...keys) }),
  fc.record({ kind: fc.constant('prune' as const), count: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('reread' as const) }),
  fc.record({
    kind: fc.constant('reset' as const),
    keys: fc.array(fc.constantFrom(...keys), { maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('lookup' as const), key: fc.constantFrom(...keys) }),
);

/** The part of a world the index reads: the history and how much of it was pruned. */
function emptyHistory(): SimulatedWorld {
  return { operations: [], prunedOperations: 0 } as unknown as SimulatedWorld;
}

describe('IdempotencyKeyIndex', () => {
  it('answers what a scan of the history (findLast) answers, through submits, prunes, copies and other histories', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        let world = emptyHistory();
        const index = new IdempotencyKeyIndex();
        let clock = 0;
        const record = (id: string, key: string) =>
          ({ id, idempotencyKey: key, submittedAt: (clock += 1) }) as never;
        for (const next of steps) {
          const pruned = world.prunedOperations ?? 0;
          switch (next.kind) {
            case 'submit': {
              const id = `op-${pruned + world.operations.length + 1}`;
              world.operations.push(record(id, next.key));
              break;
            }
            case 'prune': {
              const count = Math.min(next.count, world.operations.length);
              world.operations.splice(0, count);
              world.prunedOperations = pruned + count;
              break;
            }
            case 'reread':
              // What every transaction does (draftWorld): a copy of the same history.
              world.operations = [...world.operations];
              break;
            case 'reset':
              // Another history (a fabric set up afresh): its ids start again.
              world = emptyHistory();
              next.keys.forEach((key, at) => world.operations.push(record(`op-${at + 1}`, key)));
              break;
            case 'lookup': {
              const scanned = world.operations.findLast((r) => r.idempotencyKey === next.key);
              expect(index.lookup(world, next.key)).toBe(scanned?.id);
              break;
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads only what was appended when a transaction copied the history', () => {
    const world = emptyHistory();
    for (let at = 1; at <= 2_000; at += 1) {
      world.operations.push({ id: `op-${at}`, idempotencyKey: `k${at}`, submittedAt: at } as never);
    }
    const index = new IdempotencyKeyIndex();
    expect(index.lookup(world, 'k7')).toBe('op-7');
    let reads = 0;
    const copy = [
      ...world.operations,
      { id: 'op-2001', idempotencyKey: 'new', submittedAt: 2_001 },
    ];
    world.operations = new Proxy(copy, {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads += 1;
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as never;
    expect(index.lookup(world, 'new')).toBe('op-2001');
    expect(index.lookup(world, 'k7')).toBe('op-7');
    // A handful, where indexing the copy again would read all 2,001.
    expect(reads).toBeLessThanOrEqual(8);
  });
});
