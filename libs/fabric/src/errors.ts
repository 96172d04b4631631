/**
 * Errors the fabric lib throws to its caller. An operation a device refuses is not an error but a
 * failed outcome (see OperationOutcome): these are for misuse of the driver and broken files.
 */
export abstract class FabricError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type TopologyProblemCode =
  | 'unreadable'
  | 'bad-syntax'
  | 'bad-type'
  | 'missing-field'
  | 'unknown-field'
  | 'bad-name'
  | 'duplicate-name'
  | 'unknown-role'
  | 'bad-address'
  | 'duplicate-address'
  | 'bad-asn'
  | 'bad-interface'
  | 'duplicate-interface'
  | 'no-interfaces'
  | 'bad-capacity'
  | 'no-leaves';

export interface TopologyProblem {
  /** Where in the document, e.g. `devices[2].loopback`; empty for the whole document. */
  readonly path: string;
  readonly code: TopologyProblemCode;
  readonly message: string;
}

/** A topology that cannot be used; lists every problem found, not just the first. */
export class InvalidTopologyError extends FabricError {
  readonly code = 'invalid-topology';

  constructor(
    readonly problems: readonly TopologyProblem[],
    readonly source?: string,
  ) {
    super(
      `${source ? `${source}: ` : ''}invalid fabric topology: ` +
        problems.map((problem) => `${problem.path || '(document)'}: ${problem.message}`).join('; '),
    );
  }
}

export class UnknownDeviceError extends FabricError {
  readonly code = 'unknown-device';
  constructor(readonly device: string) {
    super(`device ${device} is not in the fabric topology`);
  }
}

export class DeviceUnreachableError extends FabricError {
  readonly code = 'unreachable';
  constructor(readonly device: string) {
    super(`device ${device} is unreachable`);
  }
}

export class UnknownOperationError extends FabricError {
  readonly code = 'unknown-operation';
  constructor(readonly operationId: string) {
    super(`no operation ${operationId} was submitted to this fabric`);
  }
}

/** The same idempotency key came with a different device or operation: a caller bug. */
export class IdempotencyKeyConflictError extends FabricError {
  readonly code = 'idempotency-key-conflict';
  constructor(
    readonly idempotencyKey: string,
    readonly operationId: string,
  ) {
    super(
      `idempotency key ${idempotencyKey} was already used for a different request (operation ${operationId})`,
    );
  }
}

/** The file-backed fabric's state file or lock is not what this code wrote. */
export class FabricStoreError extends FabricError {
  readonly code = 'fabric-store';
}

/** A fault specification that makes no sense (unknown effect, nth below 1...). */
export class InvalidFaultError extends FabricError {
  readonly code = 'invalid-fault';
}
