import { ResourceExhaustedError } from '@loom/errors';
import { fold } from '@loom/intents';
import fc from 'fast-check';
import { specify } from '@loom/intents/testing';
import { vniOf, vniPoolDecider, type VniPoolCommand, type VniRange } from './vni-pool.decider';
import type { VniPoolEvent } from './vni-pool.events';

const range: VniRange = { first: 100, last: 102 };
const allocate = (owner: string, within: VniRange = range): VniPoolCommand => ({
  type: 'AllocateVni',
  pool: 'vni-pool-l2',
  range: within,
  owner,
});
const release = (owner: string): VniPoolCommand => ({ type: 'ReleaseVni', owner });
const allocated = (vni: number, owner: string): VniPoolEvent => ({
  type: 'VniAllocated',
  data: { vni, owner },
});
const released = (vni: number, owner: string): VniPoolEvent => ({
  type: 'VniReleased',
  data: { vni, owner },
});
const given = specify(vniPoolDecider);

describe('VNI pool decider', () => {
  describe('AllocateVni', () => {
    it('gives the lowest VNI of the range that is free', () => {
      given([])
        .when(allocate('op-1'))
        .then([allocated(100, 'op-1')]);
      given([allocated(100, 'op-1')])
        .when(allocate('op-2'))
        .then([allocated(101, 'op-2')]);
      given([allocated(100, 'op-1'), allocated(102, 'op-3')])
        .when(allocate('op-2'))
        .then([allocated(101, 'op-2')]);
    });

    it('searches only the range asked for', () => {
      given([allocated(1, 'op-1'), allocated(2, 'op-2')])
        .when(allocate('op-3', { first: 2, last: 5 }))
        .then([allocated(3, 'op-3')]);
      given([])
        .when(allocate('op-1', { first: 7, last: 7 }))
        .then([allocated(7, 'op-1')]);
    });

    it('decides nothing for an owner that already holds a VNI: a retry gets what it got', () => {
      const history = [allocated(100, 'op-1'), allocated(101, 'op-2')];
      given(history).when(allocate('op-1')).then([]);
      expect(vniOf(fold(vniPoolDecider, history), 'op-1')).toBe(100);
      expect(vniOf(fold(vniPoolDecider, history), 'op-2')).toBe(101);
      expect(vniOf(fold(vniPoolDecider, history), 'op-3')).toBeUndefined();
    });

    it('is refused once every VNI of the range is in use, naming the pool', () => {
      const full = [allocated(100, 'op-1'), allocated(101, 'op-2'), allocated(102, 'op-3')];
      given(full).when(allocate('op-4')).thenThrows(ResourceExhaustedError, {
        subject: 'vni-pool-l2',
        description: 'all 3 VNIs from 100 to 102 are in use',
      });
      given(full).when(allocate('op-3')).then([]);
    });
  });

  describe('ReleaseVni', () => {
    it("gives back the owner's VNI, which is then the lowest free again", () => {
      const history = [allocated(100, 'op-1'), allocated(101, 'op-2')];
      given(history)
        .when(release('op-1'))
        .then([released(100, 'op-1')]);
      given([...history, released(100, 'op-1')])
        .when(allocate('op-3'))
        .then([allocated(100, 'op-3')]);
      expect(vniOf(fold(vniPoolDecider, [...history, released(100, 'op-1')]), 'op-1')).toBe(
        undefined,
      );
    });

    it('decides nothing for an owner that holds no VNI, nor for a second release', () => {
      given([allocated(100, 'op-1')])
        .when(release('op-2'))
        .then([]);
      given([allocated(100, 'op-1'), released(100, 'op-1')])
        .when(release('op-1'))
        .then([]);
      given([]).when(release('op-1')).then([]);
    });

    it('lets an owner that gave its VNI back allocate again', () => {
      given([allocated(100, 'op-1'), allocated(101, 'op-2'), released(100, 'op-1')])
        .when(allocate('op-1'))
        .then([allocated(100, 'op-1')]);
    });
  });

  describe('over any sequence of allocations and releases', () => {
    const owners = ['op-a', 'op-b', 'op-c', 'op-d', 'op-e', 'op-f'];
    const commands = fc.array(
      fc.record({
        release: fc.boolean(),
        owner: fc.constantFrom(...owners),
      }),
      { maxLength: 60 },
    );
    const ranges = fc
      .record({
        first: fc.integer({ min: 0, max: 16_777_200 }),
        size: fc.integer({ min: 1, max: 8 }),
      })
      .map(({ first, size }): VniRange => ({ first, last: first + size - 1 }));

    it('gives each owner one VNI in range, never one VNI to two owners, always the lowest free', () => {
      fc.assert(
        fc.property(ranges, commands, (within, steps) => {
          let state = vniPoolDecider.initialState();
          /** The pool as a plain map, owner -> VNI: the model the decider must agree with. */
          const model = new Map<string, number>();
          for (const step of steps) {
            const command = step.release ? release(step.owner) : allocate(step.owner, within);
            let events: VniPoolEvent[];
            try {
              events = vniPoolDecider.decide(command, state);
            } catch (error) {
              expect(error).toBeInstanceOf(ResourceExhaustedError);
              expect(command.type).toBe('AllocateVni');
              expect(model.size).toBe(within.last - within.first + 1);
              continue;
            }
            const held = model.get(step.owner);
            if (step.release) {
              expect(events).toEqual(held === undefined ? [] : [released(held, step.owner)]);
              model.delete(step.owner);
            } else if (held !== undefined) {
              expect(events).toEqual([]);
            } else {
              const used = new Set(model.values());
              let lowest = within.first;
              while (used.has(lowest)) lowest += 1;
              expect(events).toEqual([allocated(lowest, step.owner)]);
              model.set(step.owner, lowest);
            }
            state = events.reduce(vniPoolDecider.evolve, state);
            const vnis = [...model.values()];
            expect(new Set(vnis).size).toBe(vnis.length);
            for (const vni of vnis) {
              expect(vni).toBeGreaterThanOrEqual(within.first);
              expect(vni).toBeLessThanOrEqual(within.last);
            }
            for (const owner of owners) expect(vniOf(state, owner)).toBe(model.get(owner));
            expect(state.allocated.size).toBe(model.size);
          }
        }),
      );
    });

    it('decides nothing when the same command is decided again after its events', () => {
      fc.assert(
        fc.property(ranges, commands, (within, steps) => {
          let state = vniPoolDecider.initialState();
          for (const step of steps) {
            const command = step.release ? release(step.owner) : allocate(step.owner, within);
            let events: VniPoolEvent[];
            try {
              events = vniPoolDecider.decide(command, state);
            } catch {
              continue;
            }
            state = events.reduce(vniPoolDecider.evolve, state);
            expect(vniPoolDecider.decide(command, state)).toEqual([]);
          }
        }),
      );
    });
  });
});
