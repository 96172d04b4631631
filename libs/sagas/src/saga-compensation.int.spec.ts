import type { TestDatabase } from '../../../test/support/test-database';
import { sagaType } from './definition/saga-type';
import type { SagaEvent } from './domain/saga.events';
import { FakeDevice, type FaultyInput } from './testing/fake-device';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  fabricSteps,
  openSagaProcess,
  type SagaProcess,
} from './testing/saga-test-kit';

const impatient = sagaType<FaultyInput>('impatient');

describe('a saga that fails', () => {
  let database: TestDatabase;
  let engine: SagaProcess;
  const device = new FakeDevice();

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    engine = openSagaProcess(database.url, [
      fabricSaga(device),
      fabricSaga(device, { timeoutMs: 100, retry: { maxAttempts: 1 } }, impatient),
    ]);
    engine.worker({ concurrency: 8 });
  });

  afterAll(async () => {
    await engine.close();
    await database.drop();
  });

  const events = async (sagaId: string): Promise<SagaEvent[]> =>
    ((await engine.sagas.history(sagaId))?.events ?? []).map((entry) => entry.event);

  it('at any step: undoes every step that started, newest first, and fails with the error', async () => {
    await Promise.all(
      fabricSteps.map((failAt, index) =>
        engine.sagas.start(createVpc, `fail-at-${index}`, `vpc/fail-${index}`, { failAt }),
      ),
    );
    for (const [index, failAt] of fabricSteps.entries()) {
      const sagaId = `fail-at-${index}`;
      const outcome = await engine.sagas.waitFor(sagaId, 10_000);

      const done = fabricSteps.slice(0, index);
      const started = fabricSteps.slice(0, index + 1);
      expect(outcome).toEqual({
        status: 'failed',
        error: {
          kind: 'step-failed',
          step: failAt,
          attempt: 2,
          cause: 'error',
          reason: `the switch refused ${failAt}`,
          errorKind: 'internal',
        },
        message: `step ${failAt} failed on attempt 2: the switch refused ${failAt}`,
        compensated: [...started].reverse(),
        resolution: null,
      });
      expect(device.logOf(sagaId)).toEqual([
        ...done.map((step) => `do ${step}`),
        ...[...done].reverse().map((step) => `undo ${step}`),
      ]);
      // The failed step's compensation ran too (its action might have taken effect), as a no-op.
      expect(device.calls.get(`${sagaId}:${failAt}:compensate`)).toBe(1);
      for (const step of fabricSteps.slice(index + 1)) {
        expect(device.calls.has(`${sagaId}:${step}`)).toBe(false);
        expect(device.calls.has(`${sagaId}:${step}:compensate`)).toBe(false);
      }
      expect([...device.configured].filter((key) => key.startsWith(`${sagaId}:`))).toEqual([]);
      const compensations = (await events(sagaId))
        .filter((event) => event.type === 'SagaCompensationStarted')
        .map((event) => event.data.step);
      expect(compensations).toEqual([...started].reverse());
    }
    await expect(engine.sagas.list({ status: 'failed' })).resolves.toHaveLength(4);
  });

  it('compensates a step whose action timed out, since it may have taken effect', async () => {
    await engine.sagas.start(impatient, 'slow-bind', 'vpc/slow', { hangAt: 'bind-vni' });
    const outcome = await engine.sagas.waitFor('slow-bind', 10_000);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { step: 'bind-vni', cause: 'timeout' },
      compensated: ['bind-vni', 'create-vrf', 'reserve-vni'],
    });
    expect(device.logOf('slow-bind')).toEqual([
      'do reserve-vni',
      'do create-vrf',
      'do bind-vni',
      'undo bind-vni',
      'undo create-vrf',
      'undo reserve-vni',
    ]);
  });

  it('retries a failing compensation with backoff until it succeeds', async () => {
    await engine.sagas.start(createVpc, 'flaky-undo', 'vpc/flaky', {
      failAt: 'announce-evpn',
      compensationFailTimes: { 'create-vrf': 2 },
    });
    const outcome = await engine.sagas.waitFor('flaky-undo', 10_000);
    expect(outcome).toMatchObject({
      status: 'failed',
      compensated: ['announce-evpn', 'bind-vni', 'create-vrf', 'reserve-vni'],
    });
    const attempts = (await events('flaky-undo'))
      .filter((event) => 'step' in event.data && event.data.step === 'create-vrf')
      .filter((event) => event.type.includes('Compensat'))
      .map((event) => `${event.type} ${(event.data as { attempt: number }).attempt}`);
    expect(attempts).toEqual([
      'SagaCompensationStarted 1',
      'SagaCompensationFailed 1',
      'SagaCompensationStarted 2',
      'SagaCompensationFailed 2',
      'SagaCompensationStarted 3',
      'SagaStepCompensated 3',
    ]);
    // Every attempt carried its step's one key: the device saw each key once per attempt.
    expect(device.calls.get('flaky-undo:announce-evpn')).toBe(2);
    expect(device.calls.get('flaky-undo:create-vrf:compensate')).toBe(3);
    expect([...device.configured].filter((key) => key.startsWith('flaky-undo:'))).toEqual([]);
  });

  it('parks a saga whose compensation is out of retries; it holds its resource until an operator acts', async () => {
    await engine.sagas.start(createVpc, 'stuck-undo', 'vpc/stuck', {
      failAt: 'bind-vni',
      compensationFailTimes: { 'create-vrf': 1000 },
    });
    await engine.sagas.start(createVpc, 'after-stuck', 'vpc/stuck', {});

    const outcome = await engine.sagas.waitFor('stuck-undo', 10_000);

    expect(outcome).toEqual({
      status: 'parked',
      step: 'create-vrf',
      reason:
        'compensation of step create-vrf failed 3 time(s), the last with error: the switch could not remove create-vrf',
      error: expect.objectContaining({ step: 'bind-vni' }) as unknown,
      message: expect.stringContaining('parked while undoing') as unknown,
    });
    // The device is half-configured, and that is on record: nothing was dropped.
    expect(device.logOf('stuck-undo')).toEqual(['do reserve-vni', 'do create-vrf']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(engine.sagas.get('stuck-undo')).resolves.toMatchObject({
      status: 'parked',
      currentStep: 'create-vrf',
      nextRunAt: null,
    });
    await expect(engine.sagas.get('after-stuck')).resolves.toMatchObject({ status: 'waiting' });
    expect(device.logOf('after-stuck')).toEqual([]);

    device.heal();
    await engine.sagas.retry('stuck-undo', { actor: 'alice', reason: 'replaced the line card' });

    await expect(engine.sagas.waitFor('stuck-undo', 10_000)).resolves.toMatchObject({
      status: 'failed',
      compensated: ['bind-vni', 'create-vrf', 'reserve-vni'],
    });
    expect(device.logOf('stuck-undo')).toEqual([
      'do reserve-vni',
      'do create-vrf',
      'undo create-vrf',
      'undo reserve-vni',
    ]);
    await expect(engine.sagas.waitFor('after-stuck', 10_000)).resolves.toMatchObject({
      status: 'completed',
    });
  });
});
