import { fold, type Decider, type DomainEvent } from '@loom/intents';

/** Given these events, when this command, then these events (or this error): no I/O involved. */
export function specify<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) {
  return (given: readonly Event[]) => ({
    when: (command: Command) => ({
      then: (expected: readonly Event[]) => {
        expect(decider.decide(command, fold(decider, given))).toEqual(expected);
      },
      thenThrows: (errorType: new (...args: never[]) => Error, message?: RegExp) => {
        const decide = (): Event[] => decider.decide(command, fold(decider, given));
        expect(decide).toThrow(errorType);
        if (message) expect(decide).toThrow(message);
      },
    }),
  });
}
