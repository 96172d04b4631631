/** Saga ids are stream names (`saga-{id}`) and idempotency key prefixes: no ':' nor '/'. */
const sagaIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,149}$/;
/** Step names end idempotency keys: no ':'. */
const stepNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const sagaTypePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

export class InvalidSagaDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSagaDefinitionError';
  }
}

export class InvalidSagaIdError extends Error {
  readonly code = 'INVALID_SAGA_ID';
  constructor(readonly sagaId: unknown) {
    super(
      `invalid saga id ${JSON.stringify(sagaId)}: 1 to 150 letters, digits and _ . @ -, starting with a letter or digit`,
    );
    this.name = 'InvalidSagaIdError';
  }
}

export function assertSagaId(sagaId: unknown): asserts sagaId is string {
  if (typeof sagaId !== 'string' || !sagaIdPattern.test(sagaId))
    throw new InvalidSagaIdError(sagaId);
}

export function isStepName(name: string): boolean {
  return stepNamePattern.test(name);
}

export function isSagaType(type: string): boolean {
  return sagaTypePattern.test(type);
}

export function sagaStreamName(sagaId: string): string {
  return `saga-${sagaId}`;
}

export const sagaStreamPrefix = 'saga-';
