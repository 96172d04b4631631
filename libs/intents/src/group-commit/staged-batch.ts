import type { AppendResult, EventMetadataInput, JsonObject, StreamAppend } from '@loom/event-store';
import type { Decider, DomainEvent } from '../decider';
import type { AnyDecider, StreamState, StreamStates } from './stream-states';

export interface StagedEvent {
  readonly event: DomainEvent;
  readonly metadata: EventMetadataInput;
}

/** What one intent decided on a stream: the state it left, and its events. */
export interface StreamChange {
  readonly state: unknown;
  readonly staged: readonly StagedEvent[];
}

export interface StreamEntry {
  base: StreamState;
  /** Read from the log in this attempt: what it holds is current. */
  fresh: boolean;
  /** The base with the events of the intents kept so far. */
  state: unknown;
  readonly staged: StagedEvent[];
  /** When the stream last got events, for the order of the streams in the append. */
  lastStaged: number;
}

/** The streams of one commit attempt: their states and the events staged on them. */
export class StagedBatch {
  private readonly entries = new Map<string, StreamEntry>();
  private staging = 0;

  constructor(
    private readonly states: StreamStates,
    private readonly readAfresh: Set<string>,
  ) {}

  async entry<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
  ): Promise<StreamEntry> {
    const known = this.entries.get(stream);
    if (known) return known;
    const fresh = this.readAfresh.has(stream);
    const base = fresh
      ? await this.states.load(stream, decider)
      : (this.states.cached(stream) ?? { state: decider.initialState(), revision: -1 });
    const entry = { base, fresh, state: base.state, staged: [], lastStaged: 0 };
    this.entries.set(stream, entry);
    return entry;
  }

  /** Whether a decision on this entry can stand: read now, or checked by this commit. */
  trusted(entry: StreamEntry): boolean {
    return entry.fresh || entry.staged.length > 0;
  }

  async readAgain<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
  ): Promise<void> {
    const entry = await this.entry(stream, decider);
    this.readAfresh.add(stream);
    entry.base = await this.states.load(stream, decider);
    entry.fresh = true;
    entry.state = entry.base.state;
  }

  /**
   * Reads again every stream an intent decided on that the commit would not check (no events
   * staged on it); whether any was read for the first time or has moved. A failure stands only on
   * states read after what it saw: streams read afresh earlier in the batch may predate a commit
   * that the failing decision already saw on another stream.
   */
  async readUntrusted(touched: ReadonlyMap<string, AnyDecider>): Promise<boolean> {
    let read = false;
    for (const [stream, decider] of touched) {
      const entry = this.entries.get(stream);
      if (entry && entry.staged.length > 0) continue;
      const seen = entry?.fresh ? entry.base.revision : undefined;
      await this.readAgain(stream, decider);
      if (this.entries.get(stream)?.base.revision !== seen) read = true;
    }
    return read;
  }

  /** Adds an intent's decisions, in the order it made them. */
  keep(changes: ReadonlyMap<string, StreamChange>): void {
    for (const [stream, change] of changes) {
      const entry = this.entries.get(stream);
      if (!entry || change.staged.length === 0) continue;
      entry.state = change.state;
      entry.staged.push(...change.staged);
      this.staging += 1;
      entry.lastStaged = this.staging;
    }
  }

  eventCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) count += entry.staged.length;
    return count;
  }

  /** The streams with events, the one whose last event was decided last at the end. */
  appends(versionOf: (eventType: string) => number): StreamAppend[] {
    return this.withEvents().map(([stream, entry]) => ({
      stream,
      expected: entry.base.revision < 0 ? 'no-stream' : entry.base.revision,
      events: entry.staged.map(({ event, metadata }) => ({
        type: event.type,
        schemaVersion: versionOf(event.type),
        data: event.data as JsonObject,
        metadata,
      })),
    }));
  }

  committed(results: readonly AppendResult[]): void {
    this.withEvents().forEach(([stream, entry], index) => {
      const revision = results[index]?.streamRevision;
      if (revision === undefined) this.states.forget(stream);
      else this.states.remember(stream, { state: entry.state, revision });
    });
  }

  forgetStaged(): void {
    for (const [stream] of this.withEvents()) this.states.forget(stream);
  }

  private withEvents(): [string, StreamEntry][] {
    return [...this.entries]
      .filter(([, entry]) => entry.staged.length > 0)
      .sort(([, a], [, b]) => a.lastStaged - b.lastStaged);
  }
}
