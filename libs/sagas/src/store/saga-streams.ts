import type { EventMetadataInput, EventStore, RecordedEvent } from '@loom/event-store';
import { sagaStreamName } from '../definition/saga-names';
import type { SagaEvent } from '../domain/saga.events';
import { foldSaga } from '../domain/saga.decider';
import type { SagaState } from '../domain/saga.state';
import { decodeSagaEvent, encodeSagaEvent } from './saga-event-codec';

export interface LoadedSaga {
  readonly state: SagaState;
  /** Revision of the stream's last event: the expected revision of the next append; -1 when empty. */
  readonly revision: number;
  readonly events: readonly RecordedEvent[];
}

/**
 * A saga's progress is its own stream `saga-{sagaId}`. Every append names the revision its
 * decision was made on: that is the fencing token that stops a worker which lost its lease.
 */
export class SagaStreams {
  constructor(private readonly store: EventStore) {}

  async load(sagaId: string): Promise<LoadedSaga> {
    const events = await this.store.readStream(sagaStreamName(sagaId));
    const state = foldSaga(events.map(decodeSagaEvent));
    return { state, revision: events.at(-1)?.revision ?? -1, events };
  }

  /** Appends after `revision` (-1: the stream must not exist yet); returns the new revision. */
  async append(
    sagaId: string,
    events: readonly SagaEvent[],
    revision: number,
    metadata: EventMetadataInput,
  ): Promise<number> {
    const result = await this.store.append(
      sagaStreamName(sagaId),
      events.map((event) => encodeSagaEvent(event, metadata)),
      revision < 0 ? 'no-stream' : revision,
    );
    return result.streamRevision;
  }
}
