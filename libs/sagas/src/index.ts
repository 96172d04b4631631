export {
  defaultCompensationRetryPolicy,
  defaultRetryPolicy,
  defaultStepTimeoutMs,
  type AnySagaDefinition,
  type SagaDefinition,
  type SagaStep,
  type StepContext,
  type StepResults,
} from './definition/saga-definition';
export { defineSaga, planSteps, type SagaDefinitionSpec } from './definition/define-saga';
export { sagaType, type SagaType } from './definition/saga-type';
export type { Jsonable, JsonInput } from './definition/jsonable';
export {
  assertSagaId,
  InvalidSagaDefinitionError,
  InvalidSagaIdError,
  sagaStreamName,
  sagaStreamPrefix,
} from './definition/saga-names';
export { UnknownSagaTypeError } from './definition/saga-registry';
export type * from './domain/saga.events';
export type * from './domain/saga.commands';
export type * from './domain/saga.state';
export { sagaDecider, foldSaga, type SagaDecider } from './domain/saga.decider';
export { nextCommand, type NextCommandOptions, type SagaNextCommand } from './domain/next-command';
export { backoffMs, retryAt } from './domain/backoff';
export { actionIdempotencyKey, compensationIdempotencyKey } from './domain/idempotency-key';
export { SagaCommandRejectedError } from './domain/saga.errors';
export { describeSagaError, sagaOutcome, type SagaOutcome } from './domain/saga-outcome';
export {
  decodeSagaEvent,
  sagaEventSchemaVersions,
  UnreadableSagaEventError,
} from './store/saga-event-codec';
export { isSagaOf, readSagaStart, type SagaStart } from './store/read-saga-start';
export { sagaStatuses, type SagaStatus } from './persistence/saga-status';
export type { ListSagasQuery, SagaSummary } from './persistence/saga-index';
export type { SagaFilter } from './persistence/saga-filter';
export type { SagaPage, SagaPageQuery, SagaSort } from './persistence/saga-search';
export { rebuildSagaIndex, type RebuildSagaIndexOptions } from './persistence/rebuild-saga-index';
export { sagaMigrations } from './migrations';
export {
  Sagas,
  operatorActionStatuses,
  type BatchResult,
  type SagaOperatorAction,
  type OperatorRequest,
  type SagaHistory,
  type SagaHistoryEntry,
  type SagasOptions,
} from './sagas';
export * from './sagas.errors';
export { SagaWorker, type SagaWorkerOptions } from './worker/saga-worker';
export type { SagaLogger } from './worker/saga-logger';
export {
  startSagaWorkerProcess,
  type SagaWorkerProcess,
  type SagaWorkerProcessOptions,
} from './worker/saga-worker-process';
