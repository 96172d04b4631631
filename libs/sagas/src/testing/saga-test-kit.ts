import { PostgresEventStore } from '@loom/event-store';
import { createLogger } from '@loom/logging';
import { createPool, runMigrations } from '@loom/postgres';
import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { defineSaga } from '../definition/define-saga';
import type { SagaDefinition, SagaStep } from '../definition/saga-definition';
import { sagaType, type SagaType } from '../definition/saga-type';
import { sagaMigrations } from '../migrations';
import { Sagas } from '../sagas';
import { SagaWorker, type SagaWorkerOptions } from '../worker/saga-worker';
import type { FakeDevice, FaultyInput } from './fake-device';

export const fabricSteps = ['reserve-vni', 'create-vrf', 'bind-vni', 'announce-evpn'] as const;

/** The saga type most tests start: fabricSaga's default. */
export const createVpc = sagaType<FaultyInput>('create-vpc');

/** A fresh database with the event store and saga tables. */
export async function createSagaTestDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  await runMigrations(database.url, sagaMigrations);
  return database;
}

/** Four device steps with fast policies, all driven by the fake device. */
export function fabricSaga(
  device: FakeDevice,
  overrides: Partial<Omit<SagaStep<FaultyInput>, 'name' | 'action' | 'compensation'>> = {},
  type: SagaType<FaultyInput> = createVpc,
): SagaDefinition<FaultyInput> {
  return defineSaga<FaultyInput>({
    type,
    steps: fabricSteps.map((name) => ({
      name,
      action: (context) => device.action(context),
      compensation: (context) => device.compensation(context),
      timeoutMs: 2000,
      retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 50 },
      compensationRetry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
      ...overrides,
    })),
  });
}

/** One engine process as the saga engine sees it: its own pool and event store. */
export interface SagaProcess {
  readonly pool: Pool;
  readonly store: PostgresEventStore;
  readonly sagas: Sagas;
  worker(options?: Partial<SagaWorkerOptions>): SagaWorker;
  close(): Promise<void>;
}

export const silentLogger = createLogger('silent');

export function openSagaProcess(
  url: string,
  definitions: readonly SagaDefinition<FaultyInput>[],
  pool: Pool = createPool(url, 12),
): SagaProcess {
  const store = new PostgresEventStore({ pool });
  const sagas = new Sagas({ pool, store, definitions, waitPollIntervalMs: 20 });
  const workers: SagaWorker[] = [];
  return {
    pool,
    store,
    sagas,
    worker(options = {}) {
      const worker = new SagaWorker({
        pool,
        store,
        definitions,
        leaseMs: 2000,
        pollIntervalMs: 20,
        logger: silentLogger,
        ...options,
      });
      workers.push(worker);
      worker.start();
      return worker;
    },
    async close() {
      sagas.close();
      await Promise.all(workers.map((worker) => worker.stop()));
      await store.close();
      await pool.end();
    },
  };
}
