import type { TestDatabase } from '../../../test/support/test-database';
import { FakeDevice } from './testing/fake-device';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  openSagaProcess,
  type SagaProcess,
} from './testing/saga-test-kit';

/** The saga ids of the log lines of these sagas, consecutive repeats collapsed: the run order. */
function runOrder(device: FakeDevice, sagaIds: readonly string[]): string[] {
  const order: string[] = [];
  for (const line of device.log) {
    const sagaId = sagaIds.find((id) => line.split(' ')[1]?.startsWith(`${id}:`));
    if (sagaId && order.at(-1) !== sagaId) order.push(sagaId);
  }
  return order;
}

describe('sagas of one resource', () => {
  let database: TestDatabase;
  let first: SagaProcess;
  let second: SagaProcess;
  const device = new FakeDevice();

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    first = openSagaProcess(database.url, [fabricSaga(device)]);
    second = openSagaProcess(database.url, [fabricSaga(device)]);
  });

  afterAll(async () => {
    await first.close();
    await second.close();
    await database.drop();
  });

  it('run one after another, in the order they were started; other resources do not wait', async () => {
    first.worker({ concurrency: 4 });
    await first.sagas.start(createVpc, 'blue-1', 'vpc/blue', { delayMs: 100 });
    await first.sagas.start(createVpc, 'blue-2', 'vpc/blue', {});
    await first.sagas.start(createVpc, 'green-1', 'vpc/green', { delayMs: 5 });

    await first.sagas.waitFor('green-1', 10_000);
    await expect(first.sagas.get('blue-1')).resolves.toMatchObject({ status: 'running' });
    await expect(first.sagas.get('blue-2')).resolves.toMatchObject({ status: 'waiting' });
    expect(device.logOf('blue-2')).toEqual([]);

    await expect(first.sagas.waitFor('blue-2', 10_000)).resolves.toMatchObject({
      status: 'completed',
    });
    expect(runOrder(device, ['blue-1', 'blue-2'])).toEqual(['blue-1', 'blue-2']);
    expect(device.logOf('blue-1')).toHaveLength(4);
  });

  it('never overlap, even with two workers racing for them', async () => {
    second.worker({ concurrency: 8 });
    first.worker({ concurrency: 8 });
    const keys = ['vpc/red', 'vpc/teal', 'vpc/gold'];
    const byKey = new Map<string, string[]>(keys.map((key) => [key, []]));
    for (let index = 0; index < 24; index += 1) {
      const key = keys[index % keys.length]!;
      const sagaId = `race-${index}`;
      byKey.get(key)!.push(sagaId);
      await (index % 2 ? first : second).sagas.start(createVpc, sagaId, key, { delayMs: 3 });
    }
    const outcomes = await Promise.all(
      [...byKey.values()].flat().map((sagaId) => first.sagas.waitFor(sagaId, 30_000)),
    );
    expect(outcomes.every((outcome) => outcome.status === 'completed')).toBe(true);
    for (const sagaIds of byKey.values()) expect(runOrder(device, sagaIds)).toEqual(sagaIds);
    const { rows } = await database.pool.query(
      `SELECT count(*)::int AS held FROM sagas.resource_holders`,
    );
    expect(rows[0]).toEqual({ held: 0 });
  });
});
