import {
  matchesFilter,
  startCheckpointedSubscription,
  type EventStore,
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
   * Reactions to how the fabric work goes (a saga's end, for the port fabric outcomes), run on the
   * dispatcher's subscription and checkpoint: one reading of the log for all fabric work.
   */
  readonly reactions?: readonly EventReaction[];
  /** Told of a start that failed; the dispatcher tries it again after a pause, and waits till then. */
  readonly onError?: (error: unknown, work: FabricWorkRequest) => void;
}

const retryFirstMs = 100;
const retryMaxMs = 5_000;

/**
 * Starts every saga intents recorded (FabricWorkRequested), in the order of the log, from a
 * durable checkpoint: a process killed after an intent's commit starts its saga when it (or
 * another process) runs again. A start is idempotent on the saga id, so one repeated after a
 * crash between start and checkpoint, or by a second dispatcher, is harmless. A start that fails
 * is tried again until it succeeds: the requests behind it wait, as sagas of one resource must
 * start in order.
 */
export function startFabricWorkDispatcher(
  options: FabricWorkDispatcherOptions,
): RunningSubscription {
  const stopping = new AbortController();
  const requests: EventReaction = {
    filter: { streamPrefixes: [fabricWorkStreamPrefix], eventTypes: ['FabricWorkRequested'] },
    handle: (event) => startWithRetries(options, decode(event), stopping.signal),
  };
  const reactions = [requests, ...(options.reactions ?? [])];
  const subscription = startCheckpointedSubscription(options.store, {
    name: 'fabric-work',
    filter: {
      streamPrefixes: reactions.flatMap((reaction) => reaction.filter.streamPrefixes),
      eventTypes: reactions.flatMap((reaction) => reaction.filter.eventTypes),
    },
    handle: async (event) => {
      for (const reaction of reactions) {
        if (matchesFilter(event, reaction.filter)) await reaction.handle(event);
      }
    },
  });
  return {
    done: subscription.done,
    async stop() {
      stopping.abort();
      await subscription.stop();
    },
  };
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
