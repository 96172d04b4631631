export {
  assertProjectionName,
  projectionEntities,
  type BatchProjection,
  type EntityClass,
  type EventProjection,
  type Projection,
} from './projection';
export { foldRowChanges, type RowChange, type RowPatching, type TableWrites } from './row-changes';
export { writeRows, type PatchStatement } from './row-writes';
export {
  ProjectionRunner,
  lagCountLimit,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
} from './projection-runner';
export * from './projection-errors';
export type { ProjectionLogger } from './projection-logger';
export type { RetryBackoff } from './retry-backoff';
export { PostgresEventLogProbe, readEventLogHead, type EventLogProbe } from './event-log-probe';
export {
  createReadModelDataSource,
  type MigrationClass,
  type ReadModelDataSourceOptions,
} from './read-model-data-source';
export { projectionMigrations } from './migrations';
