import { nextCommand, type NextCommandOptions, type SagaNextCommand } from '../domain/next-command';
import type { SagaCommand } from '../domain/saga.commands';
import { foldSaga, sagaDecider } from '../domain/saga.decider';
import { SagaCommandRejectedError } from '../domain/saga.errors';
import type { SagaEvent } from '../domain/saga.events';
import type { SagaState } from '../domain/saga.state';

export interface SagaSpecification {
  readonly state: SagaState;
  /** When this command: then these events (the scenario goes on with them), or a refusal. */
  when(command: SagaCommand): {
    then(expected: readonly SagaEvent[]): SagaSpecification;
    thenRejects(code: SagaCommandRejectedError['code'], message?: RegExp): void;
  };
  /** Then the next command at `now` is this one. */
  next(
    now: string,
    options?: Omit<NextCommandOptions, 'now'>,
  ): { is(expected: SagaNextCommand): SagaSpecification };
}

/** Given these events, when this happens, then these events or commands: no I/O involved. */
export function givenSaga(events: readonly SagaEvent[]): SagaSpecification {
  const state = foldSaga(events);
  return {
    state,
    when: (command) => ({
      then(expected) {
        expect(sagaDecider.decide(command, state)).toEqual(expected);
        return givenSaga([...events, ...expected]);
      },
      thenRejects(code, message) {
        let thrown: unknown;
        try {
          sagaDecider.decide(command, state);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(SagaCommandRejectedError);
        expect((thrown as SagaCommandRejectedError).code).toBe(code);
        if (message) expect((thrown as Error).message).toMatch(message);
      },
    }),
    next(now, options = {}) {
      return {
        is(expected) {
          expect(nextCommand(state, { ...options, now: new Date(now) })).toEqual(expected);
          return givenSaga(events);
        },
      };
    },
  };
}
