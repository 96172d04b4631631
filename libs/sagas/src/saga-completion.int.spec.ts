import type { TestDatabase } from '../../../test/support/test-database';
import { sagaType } from './definition/saga-type';
import { rebuildSagaIndex } from './persistence/rebuild-saga-index';
import { SagaIdConflictError } from './sagas.errors';
import { FakeDevice, type FaultyInput } from './testing/fake-device';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  fabricSteps,
  openSagaProcess,
  type SagaProcess,
} from './testing/saga-test-kit';

const skippy = sagaType<FaultyInput>('skippy');

describe('a saga that succeeds', () => {
  let database: TestDatabase;
  let engine: SagaProcess;
  const device = new FakeDevice();

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    engine = openSagaProcess(database.url, [
      fabricSaga(device),
      fabricSaga(device, { skipWhen: (input) => input.delayMs === 1 }, skippy),
    ]);
    engine.worker();
  });

  afterAll(async () => {
    await engine.close();
    await database.drop();
  });

  it('runs its four steps in order, once each, and completes with their results', async () => {
    const started = await engine.sagas.start(createVpc, 'vpc-a', 'vpc/a', {});
    expect(started).toMatchObject({ sagaId: 'vpc-a', status: 'waiting', streamRevision: -1 });

    const outcome = await engine.sagas.waitFor('vpc-a', 10_000);

    expect(outcome).toEqual({
      status: 'completed',
      results: {
        'reserve-vni': { configured: 'reserve-vni', previous: [] },
        'create-vrf': { configured: 'create-vrf', previous: ['reserve-vni'] },
        'bind-vni': { configured: 'bind-vni', previous: ['reserve-vni', 'create-vrf'] },
        'announce-evpn': {
          configured: 'announce-evpn',
          previous: ['reserve-vni', 'create-vrf', 'bind-vni'],
        },
      },
    });
    expect(device.logOf('vpc-a')).toEqual(fabricSteps.map((step) => `do ${step}`));
    for (const step of fabricSteps) expect(device.calls.get(`vpc-a:${step}`)).toBe(1);
    const history = await engine.sagas.history('vpc-a');
    expect(history?.events.map((entry) => entry.event.type)).toEqual([
      'SagaStarted',
      ...fabricSteps.flatMap(() => ['SagaStepStarted', 'SagaStepSucceeded']),
      'SagaCompleted',
    ]);
    // The index row follows the stream: the worker records the end, then gives its lease back.
    let summary = history?.summary;
    for (let polls = 0; summary?.leaseOwner !== null && polls < 100; polls += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      summary = (await engine.sagas.history('vpc-a'))?.summary;
    }
    expect(summary).toMatchObject({
      status: 'completed',
      streamRevision: 9,
      nextRunAt: null,
      leaseOwner: null,
    });
  });

  it('is started once per saga id: a repeat returns it, a different request is refused', async () => {
    const first = await engine.sagas.start(createVpc, 'vpc-b', 'vpc/b', { delayMs: 5 });
    const again = await engine.sagas.start(createVpc, 'vpc-b', 'vpc/b', { delayMs: 5 });
    expect(again.sequence).toBe(first.sequence);
    await expect(engine.sagas.start(createVpc, 'vpc-b', 'vpc/b', { delayMs: 6 })).rejects.toThrow(
      SagaIdConflictError,
    );
    // By name (the overload for callers that hold only the type's name), of another type.
    await expect(engine.sagas.start('skippy', 'vpc-b', 'vpc/b', { delayMs: 5 })).rejects.toThrow(
      SagaIdConflictError,
    );
    await expect(engine.sagas.waitFor('vpc-b', 10_000)).resolves.toMatchObject({
      status: 'completed',
    });
    expect(device.logOf('vpc-b')).toHaveLength(4);
  });

  it("records skipped steps, and a skipped step's result is absent", async () => {
    await engine.sagas.start(skippy, 'vpc-c', 'vpc/c', { delayMs: 1 });
    const outcome = await engine.sagas.waitFor('vpc-c', 10_000);
    expect(outcome).toEqual({ status: 'completed', results: {} });
    const history = await engine.sagas.history('vpc-c');
    expect(history?.events.map((entry) => entry.event.type)).toEqual([
      'SagaStarted',
      'SagaStepSkipped',
      'SagaStepSkipped',
      'SagaStepSkipped',
      'SagaStepSkipped',
      'SagaCompleted',
    ]);
    expect(device.logOf('vpc-c')).toEqual([]);
  });

  it('lists sagas by status for the dashboard, and rebuilds the index from the streams', async () => {
    const completed = await engine.sagas.list({ status: 'completed' });
    expect(completed.map((saga) => saga.sagaId)).toEqual(['vpc-a', 'vpc-b', 'vpc-c']);
    expect(
      await engine.sagas.list({ status: 'completed', after: completed[0]!.sequence, limit: 1 }),
    ).toEqual([completed[1]]);
    await database.pool.query(`DELETE FROM sagas.instances`);
    await expect(rebuildSagaIndex({ pool: database.pool, store: engine.store })).resolves.toEqual({
      sagas: 3,
    });
    const rebuilt = await engine.sagas.list({ status: 'completed' });
    expect(
      rebuilt.map(({ sagaId, type, resourceKey, input, streamRevision }) => ({
        sagaId,
        type,
        resourceKey,
        input,
        streamRevision,
      })),
    ).toEqual(
      completed.map(({ sagaId, type, resourceKey, input, streamRevision }) => ({
        sagaId,
        type,
        resourceKey,
        input,
        streamRevision,
      })),
    );
  });
});
