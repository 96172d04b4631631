import {
  WrongExpectedRevisionError,
  type EventMetadataInput,
  type EventStore,
  type JsonObject,
} from '@loom/event-store';
import { AbortedError } from '@loom/errors';
import type { Decider, DomainEvent } from './decider';
import type { EventCatalog } from './event-catalog';
import { GroupCommit } from './group-commit/group-commit';
import type { StreamState } from './group-commit/stream-states';
import type { IntentTransaction } from './intent-transaction';
import { KeyedQueue } from './keyed-queue';
import { runStreamByStream } from './stream-by-stream';

/** `revision`: of the last event folded into `state`; -1 for an empty stream. */
type Cached<State> = StreamState<State>;

export interface Executed<Event, State> {
  readonly events: readonly Event[];
  readonly state: State;
  readonly revision: number;
  /** Global position of the last appended event, when anything was appended. */
  readonly position: bigint | undefined;
}

const maxAttempts = 25;
const cacheLimit = 20_000;

/**
 * Loads deciders' state from streams and appends what they decide with the revision they
 * decided on. States are cached per stream, so a load reads only the events after the cached
 * revision; a conflicting writer (another replica) costs a reload of the tail and a retry.
 */
export class AggregateStore {
  private readonly cache = new Map<string, Cached<unknown>>();
  private readonly queue = new KeyedQueue();
  private readonly groupCommit: GroupCommit | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly catalog: EventCatalog,
  ) {
    const appendToStreams = store.appendToStreams?.bind(store);
    this.groupCommit = appendToStreams
      ? new GroupCommit({
          appendToStreams,
          versionOf: (type) => catalog.versionOf(type),
          states: {
            cached: (stream) => this.cache.get(stream),
            load: (stream, decider) => this.load(stream, decider),
            remember: (stream, entry) => {
              this.remember(stream, entry);
            },
            forget: (stream) => this.cache.delete(stream),
          },
        })
      : undefined;
  }

  /**
   * Runs an intent over several streams. With a store that appends to several streams atomically,
   * it is all or nothing: its events are committed together (with those of the other intents
   * decided meanwhile, see GroupCommit), each stream at the revision decided on, and the intent is
   * decided again when one of them moved. Otherwise (EventStoreDB) each decision is appended at
   * once and the intent's undo commands run if it fails (see runStreamByStream). `work` only
   * decides through the transaction; it may run more than once.
   */
  /** Whether an intent is committed all at once (else stream by stream, see transact). */
  get commitsAtomically(): boolean {
    return this.groupCommit !== undefined;
  }

  transact<T>(
    work: (transaction: IntentTransaction) => Promise<T>,
    callEnded?: () => boolean,
  ): Promise<T> {
    return this.groupCommit ? this.groupCommit.run(work, callEnded) : runStreamByStream(this, work);
  }

  /**
   * Whether a stream a decision found absent is being created by a commit not yet visible (an
   * earlier attempt whose caller went away, still finishing in the database): waits for such
   * commits to end, then says whether the stream exists now. False when the store cannot wait.
   */
  async createdMeanwhile<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
    timeoutMs: number,
  ): Promise<boolean> {
    if (!this.store.awaitStreamCreations) return false;
    await this.store.awaitStreamCreations([stream], timeoutMs);
    return (await this.load(stream, decider)).revision >= 0;
  }

  async load<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
  ): Promise<Cached<State>> {
    const cached = this.cache.get(stream) as Cached<State> | undefined;
    let state = cached?.state ?? decider.initialState();
    let revision = cached?.revision ?? -1;
    const tail = await this.store.readStream(stream, { fromRevision: revision + 1 });
    for (const recorded of tail) {
      // The catalog knows every stored type; the stream's decider knows which of them it holds.
      const event = this.catalog.upcast(
        recorded.type,
        recorded.schemaVersion,
        recorded.data,
      ) as Event;
      state = decider.evolve(state, event);
      revision = recorded.revision;
    }
    if (tail.length > 0 || !cached) this.remember(stream, { state, revision });
    return { state, revision };
  }

  execute<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    metadata: EventMetadataInput,
  ): Promise<Executed<Event, State>> {
    return this.queue.run(stream, async () => {
      // The cached state is trusted first: the append's expected revision catches a stream another
      // replica moved on. What it cannot catch is a refusal or a no-op decided on stale state, so
      // those are decided again on a freshly read state before they count.
      let verified = !this.cache.has(stream);
      for (let attempt = 1; ; attempt += 1) {
        let { state, revision } = verified
          ? await this.load(stream, decider)
          : (this.cache.get(stream) as Cached<State>);
        let events: Event[];
        try {
          events = decider.decide(command, state);
        } catch (error) {
          if (verified) throw error;
          verified = true;
          ({ state, revision } = await this.load(stream, decider));
          events = decider.decide(command, state);
        }
        if (events.length === 0 && !verified) {
          ({ state, revision } = await this.load(stream, decider));
          events = decider.decide(command, state);
        }
        if (events.length === 0) return { events, state, revision, position: undefined };
        try {
          const result = await this.store.append(
            stream,
            events.map((event) => ({
              type: event.type,
              schemaVersion: this.catalog.versionOf(event.type),
              data: event.data as JsonObject,
              metadata,
            })),
            revision < 0 ? 'no-stream' : revision,
          );
          const next = events.reduce((folded, event) => decider.evolve(folded, event), state);
          this.remember(stream, { state: next, revision: result.streamRevision });
          return {
            events,
            state: next,
            revision: result.streamRevision,
            position: result.events.at(-1)?.position,
          };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          verified = true;
          if (attempt >= maxAttempts) {
            throw new AbortedError(
              'CONCURRENT_CHANGE',
              stream,
              'too many concurrent changes: retry the request',
            );
          }
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
        }
      }
    });
  }

  private remember(stream: string, entry: Cached<unknown>): void {
    // A slower reader or writer must not put back an older state than the one cached.
    const cached = this.cache.get(stream);
    if (cached && cached.revision > entry.revision) return;
    this.cache.delete(stream);
    this.cache.set(stream, entry);
    if (this.cache.size > cacheLimit) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
