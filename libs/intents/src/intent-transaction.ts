import type { EventMetadataInput } from '@loom/event-store';
import type { Decider, DomainEvent } from './decider';

export interface Decided<Event, State> {
  readonly events: readonly Event[];
  /** The stream's state with the events, as the rest of the intent sees it. */
  readonly state: State;
}

/**
 * What an intent that touches several streams decides through. Each `execute` runs a decider on
 * a stream's state as the intent has changed it so far; when the events reach the log depends on
 * the event store (see `AggregateStore.transact`).
 */
export interface IntentTransaction {
  /**
   * `undo` is the command that gives back what `command` took (a release for a claim), for
   * stores that append stream by stream: there it runs if the intent fails later. It must decide
   * nothing when there is nothing to give back.
   */
  execute<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    metadata: EventMetadataInput,
    undo?: Command,
  ): Promise<Decided<Event, State>>;
  /**
   * A stream's state as the intent sees it, read from the log unless the commit has it already.
   * The commit does not check a stream it only read: read what cannot change once set (a VPC's
   * routing), and decide on what must still hold when the intent commits.
   */
  read<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
  ): Promise<State>;
}
