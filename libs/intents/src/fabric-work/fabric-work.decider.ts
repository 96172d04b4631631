import type { JsonValue } from '@loom/event-store';
import type { Decider } from '../decider';
import type { FabricWorkEvent } from './fabric-work.events';

interface Work {
  readonly sagaType: string;
  readonly sagaId: string;
  readonly resourceKey: string;
  readonly input: JsonValue;
}

export type FabricWorkState =
  { readonly status: 'Absent' } | ({ readonly status: 'Requested' } & Work);

export type FabricWorkCommand = { readonly type: 'RequestFabricWork' } & Work;

/** One saga per stream, requested once: a retry of the intent that asked for it finds it there. */
export const fabricWorkDecider: Decider<FabricWorkCommand, FabricWorkEvent, FabricWorkState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const { type: _type, ...work } = command;
    if (state.status === 'Absent') return [{ type: 'FabricWorkRequested', data: work }];
    const { status: _status, ...requested } = state;
    if (JSON.stringify(requested) === JSON.stringify(work)) return [];
    // The saga id is the operation's: one intent, one saga. Anything else is a bug, not a refusal.
    throw new Error(`saga ${work.sagaId} was already requested with other work`);
  },

  evolve(_state, event) {
    return { status: 'Requested', ...event.data };
  },
};

export const fabricWorkStreamPrefix = 'fabric-work-';

/** The stream a saga's request is recorded in. */
export const fabricWorkStream = (sagaId: string): string => `${fabricWorkStreamPrefix}${sagaId}`;
