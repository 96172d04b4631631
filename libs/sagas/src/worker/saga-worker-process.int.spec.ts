import type { TestDatabase } from '../../../../test/support/test-database';
import { FakeDevice } from '../testing/fake-device';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  openSagaProcess,
  silentLogger,
  type SagaProcess,
} from '../testing/saga-test-kit';
import { startSagaWorkerProcess } from './saga-worker-process';

describe('a saga worker process', () => {
  let database: TestDatabase;
  let api: SagaProcess;
  const device = new FakeDevice();

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    api = openSagaProcess(database.url, [fabricSaga(device)]);
  });

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('starts from a database URL alone, runs sagas, and stops cleanly', async () => {
    const worker = await startSagaWorkerProcess({
      databaseUrl: database.url,
      definitions: [fabricSaga(device)],
      migrate: true,
      handleSignals: false,
      poolSize: 3,
      leaseMs: 500,
      pollIntervalMs: 20,
      logger: silentLogger,
    });
    await api.sagas.start(createVpc, 'vpc-p', 'vpc/p', {});
    await expect(api.sagas.waitFor('vpc-p', 10_000)).resolves.toMatchObject({
      status: 'completed',
    });
    await worker.stop();
    await worker.stop();
    expect(worker.worker.running).toBe(false);
  });
});
