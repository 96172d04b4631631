import fc from 'fast-check';
import { IdempotencyKeyIndex } from './idempotency-key-index';
import type { SimulatedWorld } from './simulated-world';

type Step =
  | { readonly kind: 'submit'; readonly key: string }
  | { readonly kind: 'prune'; readonly count: number }
  | { readonly kind: 'reread' }
  | { readonly kind: 'lookup'; readonly key: string };

const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), key: fc.constantFrom(...keys) }),
  fc.record({ kind: fc.constant('prune' as const), count: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('reread' as const) }),
  fc.record({ kind: fc.constant('lookup' as const), key: fc.constantFrom(...keys) }),
);

/** The part of a world the index reads: the history and how much of it was pruned. */
function emptyHistory(): SimulatedWorld {
  return { operations: [], prunedOperations: 0 } as unknown as SimulatedWorld;
}

describe('IdempotencyKeyIndex', () => {
  it('answers what a scan of the history (findLast) answers, through submits, prunes and rereads', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const world = emptyHistory();
        const index = new IdempotencyKeyIndex();
        for (const next of steps) {
          const pruned = world.prunedOperations ?? 0;
          switch (next.kind) {
            case 'submit': {
              const id = `op-${pruned + world.operations.length + 1}`;
              world.operations.push({ id, idempotencyKey: next.key } as never);
              break;
            }
            case 'prune': {
              const count = Math.min(next.count, world.operations.length);
              world.operations.splice(0, count);
              world.prunedOperations = pruned + count;
              break;
            }
            case 'reread':
              world.operations = [...world.operations];
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
});
