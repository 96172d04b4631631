import { eventStoreMigrations, PostgresEventStore } from '@loom/event-store';
import { createLogger } from '@loom/logging';
import { createPool, runMigrations } from '@loom/postgres';
import { sagaMigrations } from '../migrations';
import { SagaWorker, type SagaWorkerOptions } from './saga-worker';

export interface SagaWorkerProcessOptions extends Omit<SagaWorkerOptions, 'pool' | 'store'> {
  readonly databaseUrl: string;
  /** Connections of this process's pool. Default 10. */
  readonly poolSize?: number;
  /** Run the event store and saga migrations first (under their advisory lock). Default false. */
  readonly migrate?: boolean;
  /** Stop cleanly on SIGTERM and SIGINT, then exit. Default true. */
  readonly handleSignals?: boolean;
}

export interface SagaWorkerProcess {
  readonly worker: SagaWorker;
  /** Stops the worker, then closes the store and the pool. */
  stop(): Promise<void>;
}

/**
 * Everything a Node process needs to be one saga worker, so that a worker can run on its own
 * (and be killed with kill -9 in a test): a pool, the PostgreSQL event store, the worker.
 * Logs 'saga worker ready' with the worker id once it claims sagas.
 */
export async function startSagaWorkerProcess(
  options: SagaWorkerProcessOptions,
): Promise<SagaWorkerProcess> {
  const { databaseUrl, poolSize, migrate, handleSignals, ...workerOptions } = options;
  const logger = workerOptions.logger ?? createLogger().child({ component: 'sagas' });
  if (migrate) await runMigrations(databaseUrl, [...eventStoreMigrations, ...sagaMigrations]);
  const pool = createPool(databaseUrl, poolSize ?? 10, (error) => {
    logger.warn({ err: error }, 'idle database connection lost');
  });
  const store = new PostgresEventStore({ pool });
  const worker = new SagaWorker({ ...workerOptions, logger, pool, store });
  worker.start();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await worker.stop();
      await store.close();
      await pool.end();
    })();
    return stopping;
  };
  if (handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'stopping the saga worker');
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'the saga worker did not stop cleanly');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  logger.info({ worker: worker.id }, 'saga worker ready');
  return { worker, stop };
}
