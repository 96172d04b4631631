import type { TestDatabase } from '../../../test/support/test-database';
import { SagaCommandRejectedError } from './domain/saga.errors';
import { SagaNotFoundError, SagaWaitTimeoutError } from './sagas.errors';
import { FakeDevice } from './testing/fake-device';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  openSagaProcess,
  type SagaProcess,
} from './testing/saga-test-kit';

describe('operator actions on sagas', () => {
  let database: TestDatabase;
  let engine: SagaProcess;
  const device = new FakeDevice();

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    engine = openSagaProcess(database.url, [fabricSaga(device)]);
    engine.worker({ concurrency: 4 });
  });

  afterAll(async () => {
    await engine.close();
    await database.drop();
  });

  it('abort a saga mid-step: the worker lets go, and the steps it did are undone', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inAction = new Promise<void>((resolve) => {
      entered = resolve;
    });
    device.beforeAction = async (context) => {
      if (context.sagaId === 'vpc-abort' && context.step === 'create-vrf') {
        entered();
        await gate;
      }
    };
    await engine.sagas.start(createVpc, 'vpc-abort', 'vpc/abort', {});
    await engine.sagas.start(createVpc, 'vpc-queued', 'vpc/abort', {});
    await inAction;

    await engine.sagas.abort('vpc-abort', { actor: 'alice', reason: 'wrong tenant' });
    await engine.sagas.abort('vpc-queued', { actor: 'alice', reason: 'wrong tenant too' });
    release();

    await expect(engine.sagas.waitFor('vpc-abort', 10_000)).resolves.toMatchObject({
      status: 'failed',
      message: 'aborted by alice: wrong tenant',
      compensated: ['create-vrf', 'reserve-vni'],
    });
    expect(device.logOf('vpc-abort')).toEqual([
      'do reserve-vni',
      'do create-vrf',
      'undo create-vrf',
      'undo reserve-vni',
    ]);
    const history = await engine.sagas.history('vpc-abort');
    // The worker's late outcome was refused (the abort moved the revision), so the stream records
    // the attempt as interrupted before undoing it.
    expect(history?.events.map((entry) => entry.event.type).slice(3, 6)).toEqual([
      'SagaStepStarted',
      'SagaAborted',
      'SagaStepFailed',
    ]);
    await expect(engine.sagas.waitFor('vpc-queued', 10_000)).resolves.toMatchObject({
      status: 'failed',
      compensated: [],
    });
    expect(device.logOf('vpc-queued')).toEqual([]);
    await expect(
      engine.sagas.abort('vpc-abort', { actor: 'alice', reason: 'again' }),
    ).rejects.toThrow(SagaCommandRejectedError);
    device.beforeAction = undefined;
  });

  it('resolve a parked saga by hand: it ends failed and frees its resource', async () => {
    await engine.sagas.start(createVpc, 'vpc-jam', 'vpc/jam', {
      failAt: 'create-vrf',
      compensationFailTimes: { 'reserve-vni': 1000 },
    });
    await engine.sagas.start(createVpc, 'vpc-next', 'vpc/jam', {});
    await expect(engine.sagas.waitFor('vpc-jam', 10_000)).resolves.toMatchObject({
      status: 'parked',
    });
    await expect(engine.sagas.list({ status: 'parked' })).resolves.toEqual([
      expect.objectContaining({ sagaId: 'vpc-jam', currentStep: 'reserve-vni' }),
    ]);

    await engine.sagas.resolve('vpc-jam', { actor: 'bob', reason: 'removed the VNI by hand' });

    await expect(engine.sagas.waitFor('vpc-jam', 10_000)).resolves.toMatchObject({
      status: 'failed',
      resolution: expect.objectContaining({ actor: 'bob' }) as unknown,
    });
    await expect(engine.sagas.waitFor('vpc-next', 10_000)).resolves.toMatchObject({
      status: 'completed',
    });
  });

  it('waiting reports unknown sagas and gives up at its timeout', async () => {
    await expect(engine.sagas.waitFor('no-such-saga', 1000)).rejects.toThrow(SagaNotFoundError);
    device.beforeAction = () => new Promise((resolve) => setTimeout(resolve, 300));
    await engine.sagas.start(createVpc, 'vpc-slow', 'vpc/slow', {});
    await expect(engine.sagas.waitFor('vpc-slow', 100)).rejects.toThrow(SagaWaitTimeoutError);
    device.beforeAction = undefined;
    await expect(engine.sagas.waitFor('vpc-slow', 10_000)).resolves.toMatchObject({
      status: 'completed',
    });
  });
});
