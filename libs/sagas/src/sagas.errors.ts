/** Base of the errors the saga API raises on purpose; adapters map them to API statuses. */
export abstract class SagaApiError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class SagaNotFoundError extends SagaApiError {
  readonly code = 'SAGA_NOT_FOUND';
  constructor(readonly sagaId: string) {
    super(`no saga ${sagaId}`);
  }
}

/** A start with a saga id already used for a different type, resource or input. */
export class SagaIdConflictError extends SagaApiError {
  readonly code = 'SAGA_ID_CONFLICT';
  constructor(readonly sagaId: string) {
    super(`saga ${sagaId} was already started with another type, resource key or input`);
  }
}

export class SagaWaitTimeoutError extends SagaApiError {
  readonly code = 'SAGA_WAIT_TIMEOUT';
  constructor(
    readonly sagaId: string,
    readonly timeoutMs: number,
    readonly lastStatus: string | undefined,
  ) {
    super(
      `saga ${sagaId} did not finish within ${timeoutMs} ms (last seen ${lastStatus ?? 'nowhere'})`,
    );
  }
}

export class SagasClosedError extends SagaApiError {
  readonly code = 'SAGAS_CLOSED';
  constructor(readonly sagaId: string) {
    super(`stopped waiting for saga ${sagaId}: the saga API was closed`);
  }
}

export class InvalidSagaRequestError extends SagaApiError {
  readonly code = 'INVALID_SAGA_REQUEST';
}
