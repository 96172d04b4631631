import type { Decider } from '@loom/intents';
import type { FabricRepairEvent, FabricRepairRequested } from './fabric-repair.events';

export type FabricRepairState =
  | { readonly status: 'Absent' }
  | (FabricRepairRequested['data'] & { readonly status: 'Requested' });

export type FabricRepairCommand = FabricRepairRequested['data'] & {
  readonly type: 'RequestFabricRepair';
};

/** One drift repair an operator asked for: recorded once, never changed (its sagas say how it went). */
export const fabricRepairDecider: Decider<
  FabricRepairCommand,
  FabricRepairEvent,
  FabricRepairState
> = {
  initialState: () => ({ status: 'Absent' }),
  decide(command, state) {
    if (state.status === 'Requested') return [];
    const { type: _type, ...data } = command;
    return [{ type: 'FabricRepairRequested', data }];
  },
  evolve(_state, event) {
    return { status: 'Requested', ...event.data };
  },
};
