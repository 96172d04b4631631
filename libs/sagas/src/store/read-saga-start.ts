import type { EventStore } from '@loom/event-store';
import type { SagaType } from '../definition/saga-type';
import type { SagaStarted } from '../domain/saga.events';
import { decodeSagaEvent } from './saga-event-codec';

/**
 * What a saga started with, as its first event recorded it; `input` is `unknown` until
 * `isSagaOf` has said which saga type (and so which input type) it is.
 */
export type SagaStart<Input = unknown> = Omit<SagaStarted['data'], 'input'> & {
  readonly input: Input;
};

/**
 * The SagaStarted of a saga's stream (`saga-{sagaId}`), read through the saga event codec;
 * undefined while the stream is empty. For consumers of saga events (a process manager that reacts
 * to SagaCompleted or SagaFailed) that need the saga's type and input.
 */
export async function readSagaStart(
  store: Pick<EventStore, 'readStream'>,
  streamName: string,
): Promise<SagaStart | undefined> {
  const [first] = await store.readStream(streamName, { maxCount: 1 });
  if (first === undefined) return undefined;
  const event = decodeSagaEvent(first);
  return event.type === 'SagaStarted' ? event.data : undefined;
}

/** True when the saga is of this type: its input is then that type's input. */
export function isSagaOf<Input>(
  start: SagaStart,
  saga: SagaType<Input>,
): start is SagaStart<Input> {
  return start.sagaType === saga.type;
}
