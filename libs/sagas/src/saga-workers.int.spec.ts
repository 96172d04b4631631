import type { TestDatabase } from '../../../test/support/test-database';
import { FakeDevice } from './testing/fake-device';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  fabricSteps,
  openSagaProcess,
  type SagaProcess,
} from './testing/saga-test-kit';

const sagaCount = 200;

describe('two workers in two processes', () => {
  let database: TestDatabase;
  let first: SagaProcess;
  let second: SagaProcess;
  const device = new FakeDevice();

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    // Separate pools and stores: what two engine processes would have.
    first = openSagaProcess(database.url, [fabricSaga(device)]);
    second = openSagaProcess(database.url, [fabricSaga(device)]);
  });

  afterAll(async () => {
    await first.close();
    await second.close();
    await database.drop();
  });

  it(`share ${sagaCount} concurrent sagas: every one completes, no step runs twice`, async () => {
    const workers = [
      first.worker({ workerId: 'worker-1', concurrency: 50, leaseMs: 1000 }),
      second.worker({ workerId: 'worker-2', concurrency: 50, leaseMs: 1000 }),
    ];
    const sagaIds = Array.from({ length: sagaCount }, (_, index) => `load-${index}`);
    const startedAt = performance.now();
    await Promise.all(
      sagaIds.map((sagaId, index) =>
        (index % 2 ? first : second).sagas.start(createVpc, sagaId, `vpc/${sagaId}`, {
          delayMs: 2,
        }),
      ),
    );
    const outcomes = await Promise.all(
      sagaIds.map((sagaId, index) => (index % 2 ? second : first).sagas.waitFor(sagaId, 60_000)),
    );
    const elapsedMs = performance.now() - startedAt;
    process.stdout.write(
      `${sagaCount} sagas of ${fabricSteps.length} steps on 2 workers: ${elapsedMs.toFixed(0)} ms, ` +
        `${((sagaCount * 1000) / elapsedMs).toFixed(1)} sagas/s\n`,
    );

    expect(outcomes.filter((outcome) => outcome.status === 'completed')).toHaveLength(sagaCount);
    expect(device.calls.size).toBe(sagaCount * fabricSteps.length);
    expect([...device.calls.values()].every((calls) => calls === 1)).toBe(true);
    expect([...device.effects.values()].every((effects) => effects === 1)).toBe(true);

    const completedBy = new Map<string, number>();
    for (const sagaId of sagaIds) {
      const history = await first.sagas.history(sagaId);
      const events = history?.events ?? [];
      expect(events.some((entry) => entry.event.type === 'SagaStepFailed')).toBe(false);
      const actor = events.at(-1)?.actor ?? 'nobody';
      completedBy.set(actor, (completedBy.get(actor) ?? 0) + 1);
    }
    expect([...completedBy.keys()].sort()).toEqual(['worker-1', 'worker-2']);
    await Promise.all(workers.map((worker) => worker.stop()));
    const held = await database.pool.query(
      `SELECT count(*)::int AS held FROM sagas.instances WHERE lease_owner IS NOT NULL`,
    );
    expect(held.rows[0]).toEqual({ held: 0 });
  });
});
