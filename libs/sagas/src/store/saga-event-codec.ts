import type { JsonObject, NewEvent, RecordedEvent, EventMetadataInput } from '@loom/event-store';
import type { SagaEvent, SagaEventType } from '../domain/saga.events';

/**
 * The schema version each saga event is written with. Reading an older version would pass it
 * through an upcaster here; every type is still at its first version.
 */
export const sagaEventSchemaVersions: Readonly<Record<SagaEventType, number>> = {
  SagaStarted: 1,
  SagaStepSkipped: 1,
  SagaStepStarted: 1,
  SagaStepSucceeded: 1,
  SagaStepFailed: 1,
  SagaCompensationStarted: 1,
  SagaStepCompensated: 1,
  SagaCompensationFailed: 1,
  SagaCompleted: 1,
  SagaFailed: 1,
  SagaParked: 1,
  SagaRetried: 1,
  SagaAborted: 1,
  SagaResolved: 1,
};

export class UnreadableSagaEventError extends Error {
  constructor(stream: string, revision: number, reason: string) {
    super(`saga event ${stream}@${revision} cannot be read: ${reason}`);
    this.name = 'UnreadableSagaEventError';
  }
}

export function encodeSagaEvent(event: SagaEvent, metadata: EventMetadataInput): NewEvent {
  return {
    type: event.type,
    schemaVersion: sagaEventSchemaVersions[event.type],
    // Saga event data are JSON type aliases; their readonly arrays are what the port stores.
    data: event.data as unknown as JsonObject,
    metadata,
  };
}

export function decodeSagaEvent(recorded: RecordedEvent): SagaEvent {
  const current = (sagaEventSchemaVersions as Readonly<Record<string, number>>)[recorded.type];
  if (current === undefined) {
    throw new UnreadableSagaEventError(
      recorded.stream,
      recorded.revision,
      `unknown type ${recorded.type}`,
    );
  }
  if (recorded.schemaVersion !== current) {
    throw new UnreadableSagaEventError(
      recorded.stream,
      recorded.revision,
      `${recorded.type} has schema version ${recorded.schemaVersion}; this build reads version ${current}`,
    );
  }
  return { type: recorded.type, data: recorded.data } as unknown as SagaEvent;
}
