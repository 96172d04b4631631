/** A JSON value as it is stored: no undefined, no functions, no non-finite numbers. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Who asked for a change and in which request; recorded with every event. */
export interface EventMetadata {
  readonly tenant?: string;
  readonly actor?: string;
  /** The API method that recorded it (`/loom.v1.PortService/CreatePort`); absent on older events. */
  readonly method?: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** ISO-8601 instant the intent happened at; the store fills in now when absent. */
  readonly occurredAt: string;
}

export type EventMetadataInput = Omit<EventMetadata, 'occurredAt'> & {
  readonly occurredAt?: string;
};

/** An event offered to append. The id makes a retried append idempotent. */
export interface NewEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly id?: string;
  readonly type: Type;
  readonly schemaVersion?: number;
  readonly data: Data;
  readonly metadata?: EventMetadataInput;
}

/** An event as stored: the envelope every reader and subscriber sees. */
export interface RecordedEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly id: string;
  readonly stream: string;
  /** 0 for the first event of a stream. */
  readonly revision: number;
  /** Position in the one global order; increasing, not dense. */
  readonly position: bigint;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly recordedAt: Date;
}

export interface AppendedEvent {
  readonly id: string;
  readonly revision: number;
  readonly position: bigint;
}

export interface AppendResult {
  /** The stream's revision after the append (the last appended event's revision). */
  readonly streamRevision: number;
  readonly events: readonly AppendedEvent[];
  /** True when every event id was already stored: a retried append that wrote nothing. */
  readonly deduplicated: boolean;
}
