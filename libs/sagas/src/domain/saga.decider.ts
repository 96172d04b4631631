import type { SagaCommand } from './saga.commands';
import { decideSaga } from './saga.decide';
import type { SagaEvent } from './saga.events';
import { evolveSaga } from './saga.evolve';
import type { SagaState } from './saga.state';

/** The saga's consistency boundary as the three functions of the Decider pattern. */
export interface SagaDecider {
  decide(command: SagaCommand, state: SagaState): SagaEvent[];
  evolve(state: SagaState, event: SagaEvent): SagaState;
  initialState(): SagaState;
}

export const sagaDecider: SagaDecider = {
  decide: decideSaga,
  evolve: evolveSaga,
  initialState: () => ({ status: 'NotStarted' }),
};

export function foldSaga(events: readonly SagaEvent[]): SagaState {
  return events.reduce(evolveSaga, sagaDecider.initialState());
}
