import { fold, type Decider, type DomainEvent } from '../decider';

/**
 * Given these events, when this command, then these events (or this error): no I/O involved.
 * A refusal is checked by its class and either its message or its typed fields (a
 * FailedPreconditionError's `type`, an AbortedError's `reason`...).
 */
export function specify<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) {
  return (given: readonly Event[]) => ({
    when: (command: Command) => ({
      then: (expected: readonly Event[]) => {
        expect(decider.decide(command, fold(decider, given))).toEqual(expected);
      },
      thenThrows: <E extends Error>(
        errorType: new (...args: never[]) => E,
        expected?: RegExp | Partial<E>,
      ) => {
        let thrown: unknown;
        try {
          decider.decide(command, fold(decider, given));
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(errorType);
        if (expected instanceof RegExp) expect((thrown as Error).message).toMatch(expected);
        else if (expected !== undefined) expect(thrown).toMatchObject(expected);
      },
    }),
  });
}
