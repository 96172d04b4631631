import { createVrf, smallTopology } from '../testing/fabric-fixtures';
import {
  createWorld,
  draftWorld,
  findRecord,
  pruneHistory,
  settle,
  submit,
  type SimulatedWorld,
} from './simulated-world';

const red = createVrf('red', 50001);

function worldWith(operations: number, latencyMs = 0): SimulatedWorld {
  const world = createWorld(smallTopology, { defaultMs: latencyMs });
  for (let index = 1; index <= operations; index += 1) {
    submit(world, 'leaf1', red, `k${index}`, 0);
  }
  return world;
}

describe('the simulated world operation history', () => {
  it('drops the oldest finished operations beyond the limit and numbers on from the last id', () => {
    const world = worldWith(8);
    settle(world, 0);
    pruneHistory(world, 5);
    expect(world.operations.map((record) => record.id)).toEqual([
      'op-4',
      'op-5',
      'op-6',
      'op-7',
      'op-8',
    ]);
    expect(world.prunedOperations).toBe(3);
    expect(findRecord(world, 'op-3')).toBeUndefined();
    expect(findRecord(world, 'op-4')?.idempotencyKey).toBe('k4');
    expect(findRecord(world, 'op-8')?.idempotencyKey).toBe('k8');
    // A kept key answers with its operation; the next one continues the numbering.
    expect(submit(world, 'leaf1', red, 'k6', 0)).toBe('op-6');
    expect(submit(world, 'leaf1', red, 'k9', 0)).toBe('op-9');
    expect(findRecord(world, 'op-9')?.idempotencyKey).toBe('k9');
  });

  it('keeps a pending operation and everything after it', () => {
    const world = worldWith(6, 1_000);
    pruneHistory(world, 2);
    expect(world.operations).toHaveLength(6);
    expect(world.prunedOperations).toBeUndefined();
    settle(world, 10_000);
    pruneHistory(world, 2);
    expect(world.operations.map((record) => record.id)).toEqual(['op-5', 'op-6']);
  });

  it('reads a world written before the limit (no prunedOperations) as nothing dropped', () => {
    const world = worldWith(3);
    delete world.prunedOperations;
    expect(findRecord(world, 'op-1')?.idempotencyKey).toBe('k1');
  });
});

describe('a draft of the simulated world', () => {
  it('copies the pending records once older operations were pruned, so settling the draft leaves the original as it was', () => {
    const world = worldWith(8);
    settle(world, 0);
    pruneHistory(world, 5);
    // Two pending operations after the pruned ones: op-9 and op-10.
    world.latency = { defaultMs: 1_000 };
    submit(world, 'leaf1', red, 'k9', 0);
    submit(world, 'leaf1', red, 'k10', 0);
    expect(world.pending).toEqual(['op-9', 'op-10']);

    const draft = draftWorld(world);
    settle(draft, 10_000);

    // The commit journals the records whose outcome moved, comparing the draft with the original:
    // had the draft shared them (copying the wrong positions), both would read the same.
    expect(findRecord(draft, 'op-9')?.outcome.status).toBe('succeeded');
    expect(findRecord(world, 'op-9')?.outcome.status).toBe('running');
    expect(findRecord(world, 'op-10')?.outcome.status).toBe('running');
    expect(findRecord(world, 'op-4')).toBe(findRecord(draft, 'op-4'));
  });
});
