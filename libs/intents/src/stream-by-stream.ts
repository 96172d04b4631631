import type { EventMetadataInput } from '@loom/event-store';
import type { Decider, DomainEvent } from './decider';
import type { Decided, IntentTransaction } from './intent-transaction';

/** One stream at a time: what the aggregate store offers an intent appended stream by stream. */
export interface StreamCommands {
  execute<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    metadata: EventMetadataInput,
  ): Promise<Decided<Event, State>>;
  load<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
  ): Promise<{ readonly state: State }>;
}

/**
 * An intent appended stream by stream, for stores that cannot append to several streams at once
 * (EventStoreDB): each decision is appended at once, and when the intent fails, the undo commands
 * of what it did run newest first. Registered before its command runs, because a command whose
 * append failed half-way (a time-out) may still have taken effect.
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
    async read(stream, decider) {
      return (await streams.load(stream, decider)).state;
    },
  };
  try {
    return await work(transaction);
  } catch (error) {
    for (const step of undoSteps.reverse()) await step();
    throw error;
  }
}
