import { DataSource, type MigrationInterface } from 'typeorm';
import type { EntityClass } from './projection';

export type MigrationClass = new () => MigrationInterface;

export interface ReadModelDataSourceOptions {
  /** Connections in TypeORM's pool; each running projection holds one while it applies a batch. */
  readonly poolSize?: number;
  /** Idle connections cut by the server are reported here rather than crashing the process. */
  readonly onIdleError?: (error: Error) => void;
}

/**
 * The TypeORM data source of the read models. The schema comes only from migrations (the same
 * `loom_migrations` table runMigrations of @loom/postgres uses), never from `synchronize`.
 * Returned uninitialized: the caller owns initialize() and destroy().
 */
export function createReadModelDataSource(
  url: string,
  entities: readonly EntityClass[],
  migrations: readonly MigrationClass[] = [],
  options: ReadModelDataSourceOptions = {},
): DataSource {
  const onIdleError = options.onIdleError ?? (() => undefined);
  return new DataSource({
    type: 'postgres',
    url,
    entities: [...entities],
    migrations: [...migrations],
    migrationsTableName: 'loom_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: 'loom-read-model',
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    poolErrorHandler: (error: unknown) => {
      onIdleError(error instanceof Error ? error : new Error(String(error)));
    },
  });
}
