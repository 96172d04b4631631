export {
  assertProjectionName,
  projectionEntities,
  type EntityClass,
  type Projection,
} from './projection';
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
