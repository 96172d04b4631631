import { createPool } from '@loom/postgres';
import type { TestDatabase } from '../../../test/support/test-database';
import { FakeDevice } from './testing/fake-device';
import { freezablePool } from './testing/freezable-pool';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  fabricSteps,
  openSagaProcess,
  type SagaProcess,
} from './testing/saga-test-kit';

/** Resolves when `check` holds, polling; fails the test after `timeoutMs`. */
async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a worker that stops dead mid-saga', () => {
  let database: TestDatabase;
  let doomed: SagaProcess;
  let survivor: SagaProcess;
  const device = new FakeDevice();
  const frozen = { pool: undefined as ReturnType<typeof freezablePool> | undefined };

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    frozen.pool = freezablePool(createPool(database.url, 5));
    doomed = openSagaProcess(database.url, [fabricSaga(device)], frozen.pool.pool);
    survivor = openSagaProcess(database.url, [fabricSaga(device)]);
  });

  afterAll(async () => {
    frozen.pool?.thaw();
    await doomed.close();
    await survivor.close();
    await database.drop();
  });

  it('is taken over once its lease expires; the saga finishes with no effect applied twice', async () => {
    const leaseMs = 500;
    // The doomed worker's action of create-vrf takes effect, but the worker freezes before it can
    // record that: the hardest case, since the outcome is only on the device.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inAction = new Promise<void>((resolve) => {
      entered = resolve;
    });
    device.beforeAction = async (context) => {
      if (context.step === 'create-vrf' && context.attempt === 1) {
        entered();
        await gate;
      }
    };
    const doomedWorker = doomed.worker({ workerId: 'doomed', leaseMs, renewEveryMs: 150 });
    await survivor.sagas.start(createVpc, 'vpc-x', 'vpc/x', {});
    await inAction;
    frozen.pool!.freeze();
    release();
    await eventually(
      () => device.calls.get('vpc-x:create-vrf') === 1 && device.configured.has('vpc-x:create-vrf'),
    );
    const frozenAt = Date.now();

    survivor.worker({ workerId: 'survivor', leaseMs, renewEveryMs: 150 });
    const outcome = await survivor.sagas.waitFor('vpc-x', 10_000);

    expect(outcome.status).toBe('completed');
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(leaseMs / 2);
    // Every step took effect exactly once; create-vrf was asked twice, with the same key.
    for (const step of fabricSteps) expect(device.effects.get(`vpc-x:${step}`)).toBe(1);
    expect(device.calls.get('vpc-x:create-vrf')).toBe(2);
    expect(device.logOf('vpc-x')).toEqual(fabricSteps.map((step) => `do ${step}`));
    const history = await survivor.sagas.history('vpc-x');
    const entries = history?.events ?? [];
    expect(entries.map((entry) => [entry.event.type, entry.actor])).toEqual([
      ['SagaStarted', 'doomed'],
      ['SagaStepStarted', 'doomed'],
      ['SagaStepSucceeded', 'doomed'],
      ['SagaStepStarted', 'doomed'],
      ['SagaStepFailed', 'survivor'],
      ['SagaStepStarted', 'survivor'],
      ['SagaStepSucceeded', 'survivor'],
      ['SagaStepStarted', 'survivor'],
      ['SagaStepSucceeded', 'survivor'],
      ['SagaStepStarted', 'survivor'],
      ['SagaStepSucceeded', 'survivor'],
      ['SagaCompleted', 'survivor'],
    ]);
    expect(entries[4]?.event).toMatchObject({
      type: 'SagaStepFailed',
      data: { step: 'create-vrf', attempt: 1, cause: 'interrupted' },
    });

    // The doomed worker wakes up: its late append names a revision long gone, so it is refused,
    // and the worker lets go without touching the saga or the device again.
    frozen.pool!.thaw();
    await eventually(() => doomedWorker.activeSagaIds().length === 0);
    const after = await survivor.sagas.history('vpc-x');
    expect(after?.events).toHaveLength(entries.length);
    expect(device.calls.get('vpc-x:create-vrf')).toBe(2);
    expect(after?.summary).toMatchObject({ status: 'completed', leaseOwner: null });
  });
});
