import fc from 'fast-check';
import { inverseOf } from '../operations/inverse-operation';
import type { FabricOperation } from '../operations/fabric-operation';
import { SimulatedFabric } from '../simulated/simulated-fabric';
import { operationArbitrary, stepArbitrary } from '../testing/fabric-arbitraries';
import { freshKey, smallTopology } from '../testing/fabric-fixtures';
import { findDevice } from '../topology/topology';
import { applyOperation } from './device-model';
import { emptyDeviceState, type DeviceState } from './fabric-state';

const leaf = findDevice(smallTopology, 'leaf1')!;

/** Applies what it can; refusals are part of the point. */
function settleInto(state: DeviceState, operations: readonly FabricOperation[]): DeviceState {
  return operations.reduce((current, operation) => {
    const result = applyOperation(leaf, current, operation);
    return result.status === 'changed' ? result.state : current;
  }, state);
}

describe('applying operations and undoing them', () => {
  it('restores the exact initial state: inverses in reverse order, on the device model', () => {
    let undone = 0;
    fc.assert(
      fc.property(
        fc.array(operationArbitrary, { maxLength: 30 }),
        fc.array(operationArbitrary, { minLength: 10, maxLength: 40 }),
        (setup, operations) => {
          const initial = settleInto(emptyDeviceState, setup);
          let state = initial;
          const inverses: FabricOperation[] = [];
          for (const operation of operations) {
            const result = applyOperation(leaf, state, operation);
            const inverse = inverseOf(operation, state);
            if (result.status === 'changed') {
              expect(inverse).toBeDefined();
              inverses.push(inverse!);
              state = result.state;
            } else if (result.status === 'unchanged') {
              // Nothing happened, so there is nothing to undo.
              expect(inverse).toBeUndefined();
            }
          }
          undone += inverses.length;
          for (const inverse of inverses.reverse()) {
            const result = applyOperation(leaf, state, inverse);
            expect(result.status).toBe('changed');
            if (result.status === 'changed') state = result.state;
          }
          expect(state).toEqual(initial);
        },
      ),
      { numRuns: 1000 },
    );
    // The generators are tuned to build real configuration; guard against them going vacuous.
    expect(undone).toBeGreaterThan(3000);
  });

  it('restores the exact initial fabric through the simulated driver, counting each effect once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { maxLength: 30 }),
        fc.array(stepArbitrary, { minLength: 10, maxLength: 40 }),
        async (setup, steps) => {
          const fabric = new SimulatedFabric({ topology: smallTopology });
          for (const { device, operation } of setup) {
            await fabric.submit(device, operation, freshKey('setup'));
          }
          const initial = await fabric.snapshot();
          const countsBefore = await fabric.counters();
          const undo: { device: string; operation: FabricOperation }[] = [];
          for (const { device, operation } of steps) {
            const before = await fabric.readState(device);
            const outcome = await fabric.await(
              await fabric.submit(device, operation, freshKey()),
              1000,
            );
            if (outcome.status === 'succeeded' && outcome.changed) {
              undo.push({ device, operation: inverseOf(operation, before)! });
            }
          }
          for (const { device, operation } of undo.reverse()) {
            const outcome = await fabric.await(
              await fabric.submit(device, operation, freshKey('undo')),
              1000,
            );
            expect(outcome).toEqual({ status: 'succeeded', changed: true });
          }
          expect(await fabric.snapshot()).toEqual(initial);
          const counters = await fabric.counters();
          const applied = (counts: typeof counters) =>
            Object.values(counts)
              .flatMap((perKind) => Object.values(perKind))
              .reduce((sum, count) => sum + count.applied, 0);
          expect(applied(counters) - applied(countsBefore)).toBe(undo.length * 2);
        },
      ),
      { numRuns: 150 },
    );
  });
});
