import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadataInput,
  type JsonObject,
  type StreamAppend,
} from '@loom/event-store';
import type { Decider, DomainEvent } from './decider';
import { AbortedError } from '@loom/errors';
import type { IntentTransaction } from './intent-transaction';

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

export interface GroupCommitOptions {
  readonly states: StreamStates;
  readonly appendToStreams: (appends: readonly StreamAppend[]) => Promise<AppendResult[]>;
  readonly versionOf: (eventType: string) => number;
}

/** Intents decided together and committed in one append: bounded so a commit stays short. */
const maxIntentsPerCommit = 64;
const maxEventsPerCommit = 1_024;
const maxAttempts = 25;
const maxRuns = 16;

interface Pending {
  readonly work: (transaction: IntentTransaction) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

type Outcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Intents of this process decided one after another and committed together: one atomic
 * multi-stream append for all the intents that arrived while the previous commit was running
 * (group commit). Every stream of the commit carries the revision its decisions were made on, so
 * a stream another writer moved fails the whole commit, which is then decided again with that
 * stream read afresh. Nothing of an intent that fails is written.
 *
 * A stream not in the cache is presumed empty (its expected revision `no-stream` checks that).
 * A refusal or a no-op decided on a cached or presumed state is decided again on the stream read
 * afresh, unless the commit checks that state anyway (other intents of it append to the stream).
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private draining = false;

  constructor(private readonly options: GroupCommitOptions) {}

  run<T>(work: (transaction: IntentTransaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const intents = this.queue.splice(0, maxIntentsPerCommit);
        // A read that failed while deciding: nobody of the commit hears of it otherwise (those
        // put back for the next commit are not of this one).
        await this.commit(intents).catch((error: unknown) => {
          for (const intent of intents) if (!this.queue.includes(intent)) intent.reject(error);
        });
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(intents: Pending[]): Promise<void> {
    const readAfresh = new Set<string>();
    let batch: StagedBatch;
    let outcomes: Outcome[];
    for (let attempt = 1; ; attempt += 1) {
      batch = new StagedBatch(this.options.states, readAfresh);
      outcomes = [];
      let deferred: Pending[] = [];
      for (const [index, intent] of intents.entries()) {
        if (batch.eventCount() >= maxEventsPerCommit) {
          deferred = intents.slice(index);
          break;
        }
        outcomes.push(await decide(batch, intent));
      }
      // Put back what did not fit, for the next commit, ahead of newer arrivals.
      if (deferred.length > 0) {
        this.queue.unshift(...deferred);
        intents = intents.slice(0, outcomes.length);
      }
      try {
        const appends = batch.appends(this.options.versionOf);
        if (appends.length > 0) batch.committed(await this.options.appendToStreams(appends));
        break;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < maxAttempts) {
          readAfresh.add(error.stream);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt));
          continue;
        }
        // Unknown whether it was written (a lost reply): read those streams again next time.
        batch.forgetStaged();
        const failure =
          error instanceof WrongExpectedRevisionError
            ? new AbortedError(
                'CONCURRENT_CHANGE',
                error.stream,
                'too many concurrent changes: retry the request',
              )
            : error;
        for (const intent of intents) intent.reject(failure);
        return;
      }
    }
    intents.forEach((intent, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) intent.resolve(outcome.value);
      else intent.reject(outcome?.error);
    });
  }
}

/** Runs an intent on the batch; it starts again when it had to read a stream afresh. */
async function decide(batch: StagedBatch, intent: Pending): Promise<Outcome> {
  for (let run = 1; ; run += 1) {
    const scope = new IntentScope(batch);
    try {
      const value = await intent.work(scope);
      batch.keep(scope);
      return { ok: true, value };
    } catch (error) {
      // Each run reads at least one more stream afresh, and an intent touches a few streams.
      if (run < maxRuns) {
        if (error instanceof ReadAfresh) continue;
        // A failure stands only if every state the intent decided on does.
        if (await batch.readUntrusted(scope)) continue;
      }
      return { ok: false, error };
    }
  }
}

/** Thrown inside an intent whose stream was just read afresh: the intent is decided again. */
class ReadAfresh extends Error {}

interface StagedEvent {
  readonly event: DomainEvent;
  readonly metadata: EventMetadataInput;
}

interface StreamEntry {
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
class StagedBatch {
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
   * Reads again every stream the intent decided on that the commit would not check (no events
   * staged on it); whether any was read for the first time or has moved. A failure stands only on
   * states read after what it saw: streams read afresh earlier in the batch may predate a commit
   * that the failing decision already saw on another stream.
   */
  async readUntrusted(scope: IntentScope): Promise<boolean> {
    let read = false;
    for (const [stream, decider] of scope.touched) {
      const entry = this.entries.get(stream);
      if (entry && entry.staged.length > 0) continue;
      const seen = entry?.fresh ? entry.base.revision : undefined;
      await this.readAgain(stream, decider);
      if (this.entries.get(stream)?.base.revision !== seen) read = true;
    }
    return read;
  }

  keep(scope: IntentScope): void {
    for (const [stream, change] of scope.changes) {
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

type AnyDecider = Decider<unknown, DomainEvent, unknown>;

/** One intent's decisions on the batch, kept only if the whole intent succeeds. */
class IntentScope implements IntentTransaction {
  readonly changes = new Map<string, { state: unknown; staged: StagedEvent[] }>();
  /** Every stream the intent decided on. */
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
    // A refusal is checked with the intent's other decisions when it fails (see decide).
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
}
