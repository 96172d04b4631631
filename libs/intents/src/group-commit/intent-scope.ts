import type { EventMetadataInput } from '@loom/event-store';
import type { Decider, DomainEvent } from '../decider';
import type { IntentTransaction } from '../intent-transaction';
import type { StagedBatch, StreamChange } from './staged-batch';
import type { AnyDecider } from './stream-states';

/** Thrown inside an intent whose stream was just read afresh: the intent is decided again. */
export class ReadAfresh extends Error {}

/** One intent's decisions on the batch, kept only if the whole intent succeeds. */
export class IntentScope implements IntentTransaction {
  readonly changes = new Map<string, StreamChange>();
  /** Every stream the intent decided on or read. */
  readonly touched = new Map<string, AnyDecider>();

  constructor(private readonly batch: StagedBatch) {}

  async execute<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    metadata: EventMetadataInput,
  ): Promise<{ events: Event[]; state: State }> {
    const entry = await this.batch.entry(stream, decider);
    this.touched.set(stream, decider);
    const own = this.changes.get(stream);
    const state = (own ? own.state : entry.state) as State;
    // A refusal is checked with the intent's other decisions when it fails (see GroupCommit).
    const events = decider.decide(command, state);
    if (events.length === 0 && !this.batch.trusted(entry)) {
      await this.batch.readAgain(stream, decider);
      throw new ReadAfresh();
    }
    if (events.length === 0) return { events, state };
    const next = events.reduce((folded, event) => decider.evolve(folded, event), state);
    // Set anew, so that the map's order is the order of the streams' last decisions.
    this.changes.delete(stream);
    this.changes.set(stream, {
      state: next,
      staged: [...(own?.staged ?? []), ...events.map((event) => ({ event, metadata }))],
    });
    return { events, state: next };
  }

  async read<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
  ): Promise<State> {
    const own = this.changes.get(stream);
    if (own) return own.state as State;
    const entry = await this.batch.entry(stream, decider);
    this.touched.set(stream, decider);
    // Read once per commit: the intents after this one in the batch see it as read.
    if (!this.batch.trusted(entry)) await this.batch.readAgain(stream, decider);
    return entry.state as State;
  }
}
