import type { Decider, DomainEvent } from '../decider';

/** A stream's state as of a revision; -1 for an empty stream. */
export interface StreamState<State = unknown> {
  readonly state: State;
  readonly revision: number;
}

/** The aggregate store's side: its cache of stream states, and reading a stream's new events. */
export interface StreamStates {
  cached(stream: string): StreamState | undefined;
  load<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
  ): Promise<StreamState<State>>;
  remember(stream: string, entry: StreamState): void;
  forget(stream: string): void;
}

export type AnyDecider = Decider<unknown, DomainEvent, unknown>;
