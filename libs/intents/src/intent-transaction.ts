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
}

export interface StreamCommands {
  execute<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    metadata: EventMetadataInput,
  ): Promise<Decided<Event, State>>;
}

/**
 * An intent appended stream by stream: each decision is appended at once, and when the intent
 * fails, the undo commands of what it did run newest first. Registered before its command runs,
 * because a command whose append failed half-way (a time-out) may still have taken effect.
 */
export async function runStreamByStream<T>(
  streams: StreamCommands,
  work: (transaction: IntentTransaction) => Promise<T>,
): Promise<T> {
  const undoSteps: (() => Promise<unknown>)[] = [];
  const transaction: IntentTransaction = {
    execute(stream, decider, command, metadata, undo) {
      if (undo !== undefined) {
        undoSteps.push(() => streams.execute(stream, decider, undo, metadata));
      }
      return streams.execute(stream, decider, command, metadata);
    },
  };
  try {
    return await work(transaction);
  } catch (error) {
    for (const step of undoSteps.reverse()) await step();
    throw error;
  }
}
