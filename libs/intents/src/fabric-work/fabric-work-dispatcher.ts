import {
  matchesFilter,
  type EventFilter,
  type EventStore,
  type EventSubscription,
  type JsonValue,
  type RecordedEvent,
  type RunningSubscription,
} from '@loom/event-store';
import { fabricWorkStreamPrefix } from './fabric-work.decider';
import type { FabricWorkRequested } from './fabric-work.events';

/** What starts a saga, idempotently on its id (`Sagas.start` of @loom/sagas). */
export interface SagaStarter {
  start(type: string, sagaId: string, resourceKey: string, input: JsonValue): Promise<unknown>;
}

export type FabricWorkRequest = FabricWorkRequested['data'];

/** A reaction to some events of the log (those its filter names), in the order of the log. */
export interface EventReaction {
  readonly filter: {
    readonly streamPrefixes: readonly string[];
    readonly eventTypes: readonly string[];
  };
  handle(event: RecordedEvent): Promise<void>;
}

export interface FabricWorkDispatcherOptions {
  readonly store: EventStore;
  readonly sagas: SagaStarter;
  /**
   * Reactions to how the fabric work goes (a saga's end, for the port fabric outcomes), run on a
   * subscription and checkpoint of their own, several at once (see startFabricWorkDispatcher).
   */
  readonly reactions?: readonly EventReaction[];
  /** Told of a start that failed; the dispatcher tries it again after a pause, and waits till then. */
  readonly onError?: (error: unknown, work: FabricWorkRequest) => void;
}

const retryFirstMs = 100;
const retryMaxMs = 5_000;

/** The starts' checkpoint: before the reactions had their own, it was theirs too. */
const startsCheckpoint = 'fabric-work';
const outcomesCheckpoint = 'fabric-work-outcomes';
/** Saga ends whose reactions run at once; the checkpoint moves past a batch once all are done. */
const outcomesBatchSize = 32;
/** Requests started (one after another) before the checkpoint is saved. */
const startsBatchSize = 100;

/**
 * Starts every saga intents recorded (FabricWorkRequested), in the order of the log, from a
 * durable checkpoint: a process killed after an intent's commit starts its saga when it (or
 * another process) runs again. A start is idempotent on the saga id, so one repeated after a
 * crash between start and checkpoint, or by a second dispatcher, is harmless. A start that fails
 * is tried again until it succeeds: the requests behind it wait, as sagas of one resource must
 * start in order.
 *
 * The reactions (how the fabric work ended) follow the log on a checkpoint of their own, in
 * batches whose events they handle at once: a start never waits behind the outcomes of earlier
 * sagas (each a few commands), and the outcomes keep up with sagas that end on several leaves at
 * once. A reaction's commands are idempotent and each event concerns its own saga, so their order
 * within a batch does not matter; a batch is handled again whole after a crash.
 */
export function startFabricWorkDispatcher(
  options: FabricWorkDispatcherOptions,
): RunningSubscription {
  const stopping = new AbortController();
  const { store } = options;
  const reactions = options.reactions ?? [];
  const begin = (async (): Promise<RunningSubscription[]> => {
    const startsFrom = await store.checkpoints.load(startsCheckpoint);
    // The reactions had the starts' checkpoint before they had their own.
    const outcomesFrom = (await store.checkpoints.load(outcomesCheckpoint)) ?? startsFrom;
    if (stopping.signal.aborted) return [];
    const starts = followInBatches(store, {
      name: startsCheckpoint,
      from: startsFrom,
      filter: { streamPrefixes: [fabricWorkStreamPrefix], eventTypes: ['FabricWorkRequested'] },
      batchSize: startsBatchSize,
      // One after another, in the order of the log; the checkpoint once per batch.
      handle: async (batch) => {
        for (const event of batch) {
          await startWithRetries(options, decode(event), stopping.signal);
        }
      },
    });
    if (reactions.length === 0) return [starts];
    const outcomes = followInBatches(store, {
      name: outcomesCheckpoint,
      from: outcomesFrom,
      filter: {
        streamPrefixes: reactions.flatMap((reaction) => reaction.filter.streamPrefixes),
        eventTypes: reactions.flatMap((reaction) => reaction.filter.eventTypes),
      },
      batchSize: outcomesBatchSize,
      handle: async (batch) => {
        await Promise.all(batch.map((event) => react(reactions, event)));
      },
    });
    return [starts, outcomes];
  })();
  const stop = async (): Promise<void> => {
    stopping.abort();
    const running = await begin.catch(() => []);
    await Promise.all(running.map((subscription) => subscription.stop()));
  };
  // Either one ending ends both: the caller starts them again from their checkpoints.
  const done = begin
    .then((running) => Promise.race(running.map((subscription) => subscription.done)))
    .finally(stop);
  return { done, stop };
}

interface BatchFollower {
  /** The durable checkpoint, saved after each batch handled. */
  readonly name: string;
  readonly from: bigint | undefined;
  readonly filter: EventFilter;
  readonly batchSize: number;
  readonly handle: (batch: readonly RecordedEvent[]) => Promise<void>;
}

/**
 * Follows the log from `from`, in batches of the events already read, saving the checkpoint after
 * each batch: at least once across a crash, as a checkpointed subscription, with one checkpoint
 * write per batch instead of one per event.
 */
function followInBatches(store: EventStore, follower: BatchFollower): RunningSubscription {
  let subscription: EventSubscription | undefined;
  let stopped = false;
  const isStopped = (): boolean => stopped;
  const run = async (): Promise<void> => {
    await Promise.resolve();
    if (isStopped()) return;
    subscription = store.subscribeToAll({
      from: follower.from ?? 'start',
      filter: follower.filter,
    });
    const batches = new Batches(subscription[Symbol.asyncIterator](), follower.batchSize);
    for (;;) {
      const batch = await batches.next();
      if (batch.length === 0 || isStopped()) return;
      await follower.handle(batch);
      const last = batch.at(-1);
      if (last !== undefined) await store.checkpoints.save(follower.name, last.position);
    }
  };
  const done = run();
  return {
    done,
    async stop() {
      stopped = true;
      await subscription?.close();
      await done.catch(() => undefined);
    },
  };
}

async function react(reactions: readonly EventReaction[], event: RecordedEvent): Promise<void> {
  for (const reaction of reactions) {
    if (matchesFilter(event, reaction.filter)) await reaction.handle(event);
  }
}

const notYet = Symbol('not yet');

/**
 * Cuts a subscription into batches: waits for the first event, then takes those already read (up
 * to `max`), so a backlog goes in full batches and a quiet log gives each event its batch at once.
 */
class Batches {
  /** A next() that lost the race against the batch's end; the following batch starts with it. */
  private pending: Promise<IteratorResult<RecordedEvent>> | undefined;

  constructor(
    private readonly events: AsyncIterator<RecordedEvent>,
    private readonly max: number,
  ) {}

  /** The next batch; empty once the subscription has ended. */
  async next(): Promise<RecordedEvent[]> {
    const batch: RecordedEvent[] = [];
    while (batch.length < this.max) {
      const pending = this.pending ?? this.events.next();
      this.pending = pending;
      const result = batch.length === 0 ? await pending : await Promise.race([pending, nextTurn()]);
      if (result === notYet) break;
      this.pending = undefined;
      if (result.done === true) break;
      batch.push(result.value);
    }
    return batch;
  }
}

function nextTurn(): Promise<typeof notYet> {
  return new Promise((resolve) =>
    setImmediate(() => {
      resolve(notYet);
    }),
  );
}

async function startWithRetries(
  { sagas, onError }: FabricWorkDispatcherOptions,
  work: FabricWorkRequest,
  signal: AbortSignal,
): Promise<void> {
  for (let pauseMs = retryFirstMs; ; pauseMs = Math.min(pauseMs * 2, retryMaxMs)) {
    try {
      await sagas.start(work.sagaType, work.sagaId, work.resourceKey, work.input);
      return;
    } catch (error) {
      if (signal.aborted) throw error;
      onError?.(error, work);
      await pause(pauseMs, signal);
      signal.throwIfAborted();
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake);
  });
}

function decode(event: RecordedEvent): FabricWorkRequest {
  const { sagaType, sagaId, resourceKey, input } = event.data;
  if (
    event.schemaVersion !== 1 ||
    typeof sagaType !== 'string' ||
    typeof sagaId !== 'string' ||
    typeof resourceKey !== 'string' ||
    input === undefined
  ) {
    throw new Error(
      `${event.stream}@${event.revision} is not a fabric work request this build reads`,
    );
  }
  return { sagaType, sagaId, resourceKey, input };
}
