import type { AppendResult, NewEvent, RecordedEvent } from './envelope';
import type { ExpectedRevision } from './expected-revision';

/** Which events a reader or subscriber wants; both lists empty or absent means all. */
export interface EventFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** First revision to read (inclusive); defaults to the start, or the end when reading backwards. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); 0n (the default) reads from the start. */
  readonly after?: bigint;
  readonly filter?: EventFilter;
  /** Rows fetched per round trip; memory stays bounded by it. */
  readonly batchSize?: number;
}

export interface SubscribeOptions {
  /** `start`, `end` (only new events) or a position to continue after. */
  readonly from: 'start' | 'end' | bigint;
  readonly filter?: EventFilter;
  readonly batchSize?: number;
}

/** Catch-up, then live: iterate to receive events in the global order, close to stop. */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
}

/** Durable positions of named subscribers. */
export interface CheckpointStore {
  load(name: string): Promise<bigint | undefined>;
  save(name: string, position: bigint): Promise<void>;
}

/**
 * The one port every part of Loom writes and reads events through.
 * Backends: PostgreSQL (default) and EventStoreDB; both pass the same contract suite.
 */
export interface EventStore {
  append(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams at once, atomically: every stream's expected revision holds and
   * all events are written, or nothing is (a `WrongExpectedRevisionError` names a stream that did
   * not hold). The events commit together, stream after stream in the order given; the results
   * come in that order too. Optional: a backend that cannot write several streams atomically
   * leaves it out, and callers append stream by stream.
   */
  appendToStreams?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /**
   * Resolves once no transaction in flight is creating any of these streams, so that a reader
   * who found one absent can tell "absent" from "being created by a commit not yet visible" (an
   * earlier attempt of a request whose caller went away). Rejects after `timeoutMs`. Optional:
   * only a backend whose appends create streams inside longer transactions (PostgreSQL) has it.
   */
  awaitStreamCreations?(streams: readonly string[], timeoutMs: number): Promise<void>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options: SubscribeOptions): EventSubscription;
  readonly checkpoints: CheckpointStore;
  close(): Promise<void>;
}
