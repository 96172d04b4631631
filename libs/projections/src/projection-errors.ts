/** Base of the errors the projection runner raises on purpose. */
export abstract class ProjectionError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A read-your-writes wait gave up: the projection had not reached the position in time. */
export class ProjectionWaitTimeoutError extends ProjectionError {
  readonly code = 'PROJECTION_WAIT_TIMEOUT';
  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly reached: bigint | undefined,
    readonly timeoutMs: number,
  ) {
    super(
      `projection ${projection} did not reach position ${position} within ${timeoutMs} ms (it is at ${reached ?? 'the start'})`,
    );
  }
}

export class UnknownProjectionError extends ProjectionError {
  readonly code = 'UNKNOWN_PROJECTION';
  constructor(readonly projection: string) {
    super(`no projection named ${projection} runs here`);
  }
}

/** A wait that was still pending when its runner stopped; it would otherwise hang until its timeout. */
export class ProjectionRunnerStoppedError extends ProjectionError {
  readonly code = 'PROJECTION_RUNNER_STOPPED';
  constructor(readonly projection: string) {
    super(`the runner of projection ${projection} stopped`);
  }
}

/** `apply` failed on this event; the batch rolled back and the runner retries it. */
export class ProjectionApplyError extends ProjectionError {
  readonly code = 'PROJECTION_APPLY_FAILED';
  constructor(
    readonly projection: string,
    readonly event: { readonly id: string; readonly type: string; readonly stream: string },
    readonly position: bigint,
    cause: unknown,
  ) {
    super(
      `projection ${projection} failed to apply ${event.type} ${event.id} of ${event.stream} at position ${position}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}

/** `applyBatch` failed on this batch; it rolled back and the runner retries it. */
export class ProjectionBatchApplyError extends ProjectionError {
  readonly code = 'PROJECTION_BATCH_APPLY_FAILED';
  constructor(
    readonly projection: string,
    /** Positions of the batch's first and last events. */
    readonly from: bigint,
    readonly to: bigint,
    readonly events: number,
    cause: unknown,
  ) {
    super(
      `projection ${projection} failed to apply the batch of ${events} events at positions ${from} to ${to}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}

/** The checkpoint row vanished under a running projection (a reset): it starts over from the store. */
export class ProjectionCheckpointMissingError extends ProjectionError {
  readonly code = 'PROJECTION_CHECKPOINT_MISSING';
  constructor(readonly projection: string) {
    super(`the checkpoint row of projection ${projection} is missing`);
  }
}

/** The subscription broke its promise of the global order; applying on would lose or repeat events. */
export class EventOrderViolationError extends ProjectionError {
  readonly code = 'EVENT_ORDER_VIOLATION';
  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly previous: bigint,
  ) {
    super(
      `projection ${projection}: the subscription delivered position ${position} after ${previous}`,
    );
  }
}
