import type { RecordedEvent } from '../envelope';
import type { EventFilter, EventStore, EventSubscription } from '../event-store.port';
import { assertStreamName } from '../stream-name';

export interface CheckpointedSubscriptionOptions {
  /** Durable name: a restarted subscriber with the same name goes on after its checkpoint. */
  readonly name: string;
  readonly filter?: EventFilter;
  readonly handle: (event: RecordedEvent) => Promise<void> | void;
}

export interface RunningSubscription {
  /** Resolves when the subscriber stops; rejects with the handler's error if it failed. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Delivers every event after the named checkpoint, saving the checkpoint after each handled event.
 * Delivery is at least once across a crash between handling and saving; a handler that needs
 * exactly once writes its effect and its checkpoint in one transaction (see the projections).
 */
export function startCheckpointedSubscription(
  store: EventStore,
  options: CheckpointedSubscriptionOptions,
): RunningSubscription {
  assertStreamName(options.name);
  let subscription: EventSubscription | undefined;
  let stopped = false;
  const isStopped = (): boolean => stopped;
  const run = async (): Promise<void> => {
    const checkpoint = await store.checkpoints.load(options.name);
    if (isStopped()) return;
    subscription = store.subscribeToAll({
      from: checkpoint ?? 'start',
      ...(options.filter ? { filter: options.filter } : {}),
    });
    for await (const event of subscription) {
      if (isStopped()) break;
      await options.handle(event);
      await store.checkpoints.save(options.name, event.position);
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
