import type { EventMetadata, JsonObject, NewEvent } from './envelope';
import {
  AppendTooLargeError,
  EmptyAppendError,
  EventTooLargeError,
  InvalidEventError,
} from './errors';
import { isPlainObject, jsonProblem } from './json-value';
import type { EventStoreLimits } from './limits';

/** An event checked and completed, ready for a backend to write. */
export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly dataJson: string;
  readonly metadataJson: string;
}

export interface PrepareContext {
  readonly limits: EventStoreLimits;
  readonly newId: () => string;
  readonly now: () => Date;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const eventType = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const metadataText = [
  'tenant',
  'actor',
  'method',
  'requestId',
  'correlationId',
  'causationId',
] as const;
const metadataKeys: ReadonlySet<string> = new Set([...metadataText, 'occurredAt']);
const maxMetadataText = 256;

/** Checks a whole batch before anything is written: one bad event rejects the append. */
export function prepareEvents(
  stream: string,
  events: unknown,
  context: PrepareContext,
): PreparedEvent[] {
  if (!Array.isArray(events)) throw new InvalidEventError(0, 'events', 'must be an array');
  if (events.length === 0) throw new EmptyAppendError(stream);
  if (events.length > context.limits.maxEventsPerAppend) {
    throw new AppendTooLargeError(events.length, context.limits.maxEventsPerAppend);
  }
  const prepared = events.map((event: unknown, index) => prepareEvent(event, index, context));
  const ids = new Set(prepared.map((event) => event.id));
  if (ids.size !== prepared.length) {
    throw new InvalidEventError(0, 'id', 'is repeated within the batch');
  }
  return prepared;
}

function prepareEvent(event: unknown, index: number, context: PrepareContext): PreparedEvent {
  if (!isPlainObject(event)) throw new InvalidEventError(index, 'event', 'must be an object');
  const candidate = event as Partial<NewEvent> & Record<string, unknown>;
  const id = candidate.id ?? context.newId();
  if (typeof id !== 'string' || !uuid.test(id)) {
    throw new InvalidEventError(index, 'id', 'must be a lower-case UUID');
  }
  if (typeof candidate.type !== 'string' || !eventType.test(candidate.type)) {
    throw new InvalidEventError(
      index,
      'type',
      'must start with a letter and hold at most 128 letters, digits, _ . -',
    );
  }
  const schemaVersion = candidate.schemaVersion ?? 1;
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 1000) {
    throw new InvalidEventError(index, 'schemaVersion', 'must be an integer from 1 to 1000');
  }
  if (!isPlainObject(candidate.data)) {
    throw new InvalidEventError(index, 'data', 'must be a JSON object');
  }
  const dataProblem = jsonProblem(candidate.data, 'data');
  if (dataProblem)
    throw new InvalidEventError(index, 'data', dataProblem.replace(/^data/, 'is invalid: data'));
  const metadata = prepareMetadata(candidate.metadata, index, context);
  const dataJson = JSON.stringify(candidate.data);
  const metadataJson = JSON.stringify(metadata);
  const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
  if (bytes > context.limits.maxEventBytes) {
    throw new EventTooLargeError(index, bytes, context.limits.maxEventBytes);
  }
  return {
    id,
    type: candidate.type,
    schemaVersion,
    data: candidate.data,
    metadata,
    dataJson,
    metadataJson,
  };
}

function prepareMetadata(input: unknown, index: number, context: PrepareContext): EventMetadata {
  if (input === undefined) return { occurredAt: context.now().toISOString() };
  if (!isPlainObject(input)) throw new InvalidEventError(index, 'metadata', 'must be an object');
  for (const key of Object.keys(input)) {
    if (!metadataKeys.has(key)) {
      throw new InvalidEventError(index, `metadata.${key}`, 'is not a known metadata field');
    }
  }
  const metadata: Record<string, string> = {};
  for (const key of metadataText) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > maxMetadataText) {
      throw new InvalidEventError(
        index,
        `metadata.${key}`,
        `must be a non-empty string of at most ${maxMetadataText} characters`,
      );
    }
    if (value.includes('\u0000')) {
      throw new InvalidEventError(index, `metadata.${key}`, 'holds a NUL character');
    }
    metadata[key] = value;
  }
  const occurredAt = input['occurredAt'];
  if (occurredAt !== undefined && (typeof occurredAt !== 'string' || !isIsoInstant(occurredAt))) {
    throw new InvalidEventError(index, 'metadata.occurredAt', 'must be an ISO-8601 instant');
  }
  return { ...metadata, occurredAt: occurredAt ?? context.now().toISOString() };
}

function isIsoInstant(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
