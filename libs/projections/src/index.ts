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
export {
  PostgresEventLogProbe,
  readEventLogHead,
  readEventLogHorizon,
  type EventLogProbe,
} from './event-log-probe';
export { EventFeed, type EventFeedOptions } from './event-feed';
export type { EventLogReader } from './event-feed-membership';
export type { LogPosition } from './log-position';
export {
  createReadModelDataSource,
  type MigrationClass,
  type ReadModelDataSourceOptions,
} from './read-model-data-source';
export { projectionMigrations } from './migrations';
