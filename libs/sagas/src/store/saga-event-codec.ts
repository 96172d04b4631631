import { isErrorKind, type ErrorKind } from '@loom/errors';
import type {
  JsonObject,
  JsonValue,
  NewEvent,
  RecordedEvent,
  EventMetadataInput,
} from '@loom/event-store';
import { unfinishedErrorKind } from '../domain/failure-error-kind';
import type { SagaEvent, SagaEventType } from '../domain/saga.events';

/**
 * The schema version each saga event is written with. An older version is read through the
 * upcasters below, one version at a time, up to this one.
 */
export const sagaEventSchemaVersions: Readonly<Record<SagaEventType, number>> = {
  SagaStarted: 1,
  SagaStepSkipped: 1,
  SagaStepStarted: 1,
  SagaStepSucceeded: 1,
  SagaStepFailed: 2,
  SagaCompensationStarted: 1,
  SagaStepCompensated: 1,
  SagaCompensationFailed: 2,
  SagaCompleted: 1,
  SagaFailed: 2,
  SagaParked: 2,
  SagaRetried: 1,
  SagaAborted: 1,
  SagaResolved: 1,
};

type Upcaster = (data: JsonObject) => JsonObject;

/**
 * Version 1 failures carried only text. Version 2 adds the failure's `errorKind`, which for a
 * version 1 event is what it can be known from: a timeout or an interruption is `unavailable` (as
 * it is recorded now), a device refusal for capacity (the fabric's DeviceOperationError wrote
 * `... failed (capacity): ...`) is `resource-exhausted`, and anything else `internal`, which is
 * what errorKindOf says of an error that is not a LoomError. This is the only place the text of a
 * saga failure is read for its kind.
 */
function legacyErrorKind(cause: JsonValue | undefined, reason: JsonValue | undefined): ErrorKind {
  if (cause === 'timeout' || cause === 'interrupted') return unfinishedErrorKind;
  if (typeof reason === 'string' && reason.includes('(capacity)')) return 'resource-exhausted';
  return 'internal';
}

/** A version 1 SagaError (or null) with its errorKind; an abort is `aborted`. */
function withLegacyErrorKind(error: JsonValue | undefined): JsonValue {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return error ?? null;
  if (isErrorKind(error['errorKind'])) return error;
  const errorKind =
    error['kind'] === 'aborted' ? 'aborted' : legacyErrorKind(error['cause'], error['reason']);
  return { ...error, errorKind };
}

const failureWithErrorKind: Upcaster = (data) =>
  isErrorKind(data['errorKind'])
    ? data
    : { ...data, errorKind: legacyErrorKind(data['cause'], data['reason']) };
const sagaErrorWithErrorKind: Upcaster = (data) => ({
  ...data,
  error: withLegacyErrorKind(data['error']),
});

/** `upcasters[type][v]` reads the data of version v as version v + 1. */
const upcasters: Partial<Record<SagaEventType, Readonly<Record<number, Upcaster>>>> = {
  SagaStepFailed: { 1: failureWithErrorKind },
  SagaCompensationFailed: { 1: failureWithErrorKind },
  SagaFailed: { 1: sagaErrorWithErrorKind },
  SagaParked: { 1: sagaErrorWithErrorKind },
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
  const type = recorded.type as SagaEventType;
  const current = (sagaEventSchemaVersions as Readonly<Record<string, number>>)[recorded.type];
  if (current === undefined) {
    throw new UnreadableSagaEventError(
      recorded.stream,
      recorded.revision,
      `unknown type ${recorded.type}`,
    );
  }
  let { data } = recorded;
  for (let version = recorded.schemaVersion; version !== current; version += 1) {
    const upcast = version < current ? upcasters[type]?.[version] : undefined;
    if (!upcast) {
      throw new UnreadableSagaEventError(
        recorded.stream,
        recorded.revision,
        `${recorded.type} has schema version ${recorded.schemaVersion}; this build reads version ${current}`,
      );
    }
    data = upcast(data);
  }
  return { type, data } as unknown as SagaEvent;
}
