import type { Decider } from '../shared/decider';
import { ResourceExhaustedError } from '../shared/errors';
import type { VniPoolEvent } from './vni-pool.events';

/** A range of VNIs, inclusive; L3 and L2 VNIs come from separate pools (separate streams). */
export interface VniRange {
  readonly first: number;
  readonly last: number;
}

export interface VniPoolState {
  /** VNI -> owner (the operation that created the VPC or subnet). */
  readonly owners: ReadonlyMap<number, string>;
  readonly byOwner: ReadonlyMap<string, number>;
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
  initialState: () => ({ owners: new Map(), byOwner: new Map() }),

  decide(command, state) {
    const held = state.byOwner.get(command.owner);
    if (command.type === 'ReleaseVni') {
      return held === undefined
        ? []
        : [{ type: 'VniReleased', data: { vni: held, owner: command.owner } }];
    }
    if (held !== undefined) return [];
    for (let vni = command.range.first; vni <= command.range.last; vni += 1) {
      if (!state.owners.has(vni))
        return [{ type: 'VniAllocated', data: { vni, owner: command.owner } }];
    }
    throw new ResourceExhaustedError(
      command.pool,
      `all ${command.range.last - command.range.first + 1} VNIs from ${command.range.first} to ${command.range.last} are in use`,
    );
  },

  evolve(state, event) {
    const owners = new Map(state.owners);
    const byOwner = new Map(state.byOwner);
    if (event.type === 'VniAllocated') {
      owners.set(event.data.vni, event.data.owner);
      byOwner.set(event.data.owner, event.data.vni);
    } else {
      owners.delete(event.data.vni);
      byOwner.delete(event.data.owner);
    }
    return { owners, byOwner };
  },
};
