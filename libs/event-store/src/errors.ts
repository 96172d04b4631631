/** Base of every error the event store raises on purpose; adapters map these to API statuses. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream was not at the revision the writer expected: somebody else wrote first. */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly stream: string,
    readonly expected: string,
    readonly actual: number | 'no-stream',
  ) {
    super(
      `stream ${stream}: expected ${expected}, but it is at ${actual === 'no-stream' ? 'no stream' : `revision ${actual}`}`,
    );
  }
}

export class InvalidStreamNameError extends EventStoreError {
  readonly code = 'INVALID_STREAM_NAME';
  constructor(
    readonly stream: unknown,
    readonly reason: string,
  ) {
    super(`invalid stream name ${JSON.stringify(stream)}: ${reason}`);
  }
}

export class InvalidExpectedRevisionError extends EventStoreError {
  readonly code = 'INVALID_EXPECTED_REVISION';
  constructor(readonly value: unknown) {
    super(
      `invalid expected revision ${String(value)}: use 'no-stream', 'exists', 'any' or a revision (an integer >= 0)`,
    );
  }
}

/** One event of a batch is malformed; `index` says which, `field` what is wrong. */
export class InvalidEventError extends EventStoreError {
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly index: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`event ${index}: ${field} ${reason}`);
  }
}

export class EventTooLargeError extends EventStoreError {
  readonly code = 'EVENT_TOO_LARGE';
  constructor(
    readonly index: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`event ${index} is ${bytes} bytes, over the limit of ${limit} bytes`);
  }
}

export class AppendTooLargeError extends EventStoreError {
  readonly code = 'APPEND_TOO_LARGE';
  constructor(
    readonly count: number,
    readonly limit: number,
  ) {
    super(`an append of ${count} events is over the limit of ${limit} events`);
  }
}

export class EmptyAppendError extends EventStoreError {
  readonly code = 'EMPTY_APPEND';
  constructor(readonly stream: string) {
    super(`append to ${stream} has no events`);
  }
}

/** A multi-stream append that names no stream, or one stream twice. */
export class InvalidMultiStreamAppendError extends EventStoreError {
  readonly code = 'INVALID_MULTI_STREAM_APPEND';
  constructor(readonly reason: string) {
    super(`invalid multi-stream append: ${reason}`);
  }
}

/**
 * Some of the event ids are already stored, but not as this same append
 * (other ids beside them, another stream, or another order): not a retry, so nothing is written.
 */
export class EventIdConflictError extends EventStoreError {
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(
    readonly stream: string,
    readonly eventIds: readonly string[],
  ) {
    super(`stream ${stream}: event ids already used by another append: ${eventIds.join(', ')}`);
  }
}

export class InvalidReadOptionsError extends EventStoreError {
  readonly code = 'INVALID_READ_OPTIONS';
  constructor(reason: string) {
    super(`invalid read options: ${reason}`);
  }
}
