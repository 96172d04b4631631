import type { Decider } from '@loom/intents';
import { ResourceExhaustedError } from '@loom/errors';
import { IntegerSet } from '../shared/integer-set';
import { Map as ImmutableMap } from 'immutable';
import type { VniPoolEvent } from './vni-pool.events';

/** A range of VNIs, inclusive; L3 and L2 VNIs come from separate pools (separate streams). */
export interface VniRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Persistent collections: an event changes one path of each, so a pool of many VNIs costs no
 * more per allocation than a small one.
 */
export interface VniPoolState {
  readonly allocated: IntegerSet;
  /** Owner (the operation that created the VPC or subnet) -> its VNI. */
  readonly byOwner: ImmutableMap<string, number>;
}

export type VniPoolCommand =
  | {
      readonly type: 'AllocateVni';
      readonly pool: string;
      readonly range: VniRange;
      readonly owner: string;
    }
  | { readonly type: 'ReleaseVni'; readonly owner: string };

/** The VNI an owner holds, if any: how a retried allocation finds what it already got. */
export const vniOf = (state: VniPoolState, owner: string): number | undefined =>
  state.byOwner.get(owner);

export const vniPoolDecider: Decider<VniPoolCommand, VniPoolEvent, VniPoolState> = {
  initialState: () => ({ allocated: IntegerSet.empty(), byOwner: ImmutableMap<string, number>() }),

  decide(command, state) {
    const held = state.byOwner.get(command.owner);
    if (command.type === 'ReleaseVni') {
      return held === undefined
        ? []
        : [{ type: 'VniReleased', data: { vni: held, owner: command.owner } }];
    }
    if (held !== undefined) return [];
    const vni = state.allocated.firstAbsent(command.range.first, command.range.last);
    if (vni !== undefined) return [{ type: 'VniAllocated', data: { vni, owner: command.owner } }];
    throw new ResourceExhaustedError(
      command.pool,
      `all ${command.range.last - command.range.first + 1} VNIs from ${command.range.first} to ${command.range.last} are in use`,
    );
  },

  evolve(state, event) {
    const { vni, owner } = event.data;
    return event.type === 'VniAllocated'
      ? { allocated: state.allocated.add(vni), byOwner: state.byOwner.set(owner, vni) }
      : { allocated: state.allocated.delete(vni), byOwner: state.byOwner.delete(owner) };
  },
};
