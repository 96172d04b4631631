import type { TestDatabase } from '../../../test/support/test-database';
import { sagaType } from './definition/saga-type';
import { InvalidSagaRequestError } from './sagas.errors';
import type { FaultyInput } from './testing/fake-device';
import { FakeDevice } from './testing/fake-device';
import {
  createSagaTestDatabase,
  createVpc,
  fabricSaga,
  openSagaProcess,
  type SagaProcess,
} from './testing/saga-test-kit';

const port = (tenant: string, name: string) => `tenants/${tenant}/vpcs/v/subnets/s/ports/${name}`;

/** The dashboard's reads of the saga index: filters, sorts, keyset pages, counts. */
describe('saga read model', () => {
  let database: TestDatabase;
  let engine: SagaProcess;

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    // No worker: the sagas stay waiting, as the index rows the dashboard reads.
    engine = openSagaProcess(database.url, [fabricSaga(new FakeDevice())]);
    for (let index = 0; index < 30; index += 1) {
      const tenant = index % 3 === 0 ? 'acme' : 'globex';
      const leaf = `leaf${(index % 2) + 1}`;
      await engine.sagas.start('create-vpc', `s-${index}`, `leaf/${leaf}`, {
        leaf,
        port: port(tenant, `p${index}`),
        operation: `tenants/${tenant}/operations/o${index}`,
      });
    }
    await engine.sagas.start('create-vpc', 'other', 'external/ext1', {
      gateway: 'tenants/initech/vpcs/blue/externalGateway',
    });
  });

  afterAll(async () => {
    await engine.close();
    await database.drop();
  });

  it('knows each saga by its leaf, resource, tenant and Operation', async () => {
    await expect(engine.sagas.get('s-3')).resolves.toMatchObject({
      leaf: 'leaf2',
      resource: port('acme', 'p3'),
      tenant: 'acme',
      operation: 'tenants/acme/operations/o3',
    });
    await expect(engine.sagas.get('other')).resolves.toMatchObject({
      leaf: null,
      resource: 'tenants/initech/vpcs/blue/externalGateway',
      tenant: 'initech',
      operation: null,
    });
  });

  it('filters by state, kind, leaf, tenant, resource prefix and time, and counts alike', async () => {
    const ids = async (filter: Parameters<SagaProcess['sagas']['search']>[0]) =>
      (await engine.sagas.search({ ...filter, limit: 500 })).sagas.map((saga) => saga.sagaId);
    expect(await ids({ filter: { tenant: 'acme', leaf: 'leaf2' } })).toEqual([
      's-27',
      's-21',
      's-15',
      's-9',
      's-3',
    ]);
    expect(await ids({ filter: { resource: 'tenants/initech/' } })).toEqual(['other']);
    expect(await ids({ filter: { resource: 'tenants/acme/vpcs/v/subnets/s/ports/p1' } })).toEqual([
      's-18',
      's-15',
      's-12',
    ]);
    // LIKE's wildcards in a resource are taken literally.
    expect(await ids({ filter: { resource: 'tenants/%' } })).toEqual([]);
    expect(await ids({ filter: { statuses: ['parked'] } })).toEqual([]);
    expect(await ids({ filter: { types: ['create-vpc'], statuses: ['waiting'] } })).toHaveLength(
      31,
    );
    expect(await ids({ filter: { createdFrom: new Date(Date.now() + 60_000) } })).toEqual([]);
    await expect(engine.sagas.count({ tenant: 'globex' })).resolves.toBe(20);
    await expect(engine.sagas.count({ createdTo: new Date(Date.now() + 60_000) })).resolves.toBe(
      31,
    );
  });

  it('pages by keyset, newest first, oldest first or recently updated first', async () => {
    for (const sort of ['newest', 'oldest', 'updated'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await engine.sagas.search({
          filter: { leaf: 'leaf1' },
          sort,
          limit: 4,
          ...(cursor !== undefined && { cursor }),
        });
        seen.push(...page.sagas.map((saga) => saga.sagaId));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      const expected = Array.from({ length: 15 }, (_, index) => `s-${index * 2}`);
      expect(seen).toEqual(sort === 'oldest' ? expected : expected.reverse());
    }
    await expect(engine.sagas.search({ cursor: 'not-a-cursor' })).rejects.toThrow(
      InvalidSagaRequestError,
    );
  });

  it('counts sagas in flight per leaf', async () => {
    await expect(engine.sagas.inFlightByLeaf()).resolves.toEqual([
      { leaf: '', count: 1 },
      { leaf: 'leaf1', count: 15 },
      { leaf: 'leaf2', count: 15 },
    ]);
  });
});

describe('operator actions with a reason, one saga or a batch', () => {
  let database: TestDatabase;
  let engine: SagaProcess;
  const device = new FakeDevice();
  const parking = sagaType<FaultyInput>('create-vpc-parking');

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    engine = openSagaProcess(database.url, [
      fabricSaga(device),
      fabricSaga(device, { onExhausted: 'park' }, parking),
    ]);
    engine.worker({ concurrency: 4 });
  });

  afterAll(async () => {
    await engine.close();
    await database.drop();
  });

  const park = async (sagaId: string, compensationFailTimes: number): Promise<void> => {
    await engine.sagas.start(createVpc, sagaId, `vpc/${sagaId}`, {
      failAt: 'bind-vni',
      compensationFailTimes: { 'create-vrf': compensationFailTimes },
    });
    await expect(engine.sagas.waitFor(sagaId, 10_000)).resolves.toMatchObject({
      status: 'parked',
    });
  };

  it('retries a saga parked going forward from its failed step, which then completes', async () => {
    await engine.sagas.start(parking, 'forward', 'vpc/forward', {
      failAt: 'create-vrf',
      failTimes: 2,
    });
    await expect(engine.sagas.waitFor('forward', 10_000)).resolves.toMatchObject({
      status: 'parked',
    });
    await expect(engine.sagas.get('forward')).resolves.toMatchObject({
      currentStep: 'create-vrf',
      lastError: expect.stringContaining('step create-vrf failed 2 time(s)'),
    });
    await engine.sagas.retry('forward', { actor: 'ops:alice', reason: 'the leaf is back' });
    await expect(engine.sagas.waitFor('forward', 10_000)).resolves.toMatchObject({
      status: 'completed',
    });
    // Nothing was undone: the step ran again (a third attempt, the same key) and the rest followed.
    expect(device.logOf('forward')).toEqual([
      'do reserve-vni',
      'do create-vrf',
      'do bind-vni',
      'do announce-evpn',
    ]);
  });

  it('refuses an action without a reason', async () => {
    await park('no-reason', 3);
    await expect(engine.sagas.retry('no-reason', { actor: 'alice', reason: '  ' })).rejects.toThrow(
      InvalidSagaRequestError,
    );
  });

  it('aborts a parked saga: the rest of its steps are undone, the actor recorded', async () => {
    await park('jammed', 3);
    await engine.sagas.abort('jammed', { actor: 'ops:alice', reason: 'the switch is back' });
    await expect(engine.sagas.waitFor('jammed', 10_000)).resolves.toMatchObject({
      status: 'failed',
      compensated: ['bind-vni', 'create-vrf', 'reserve-vni'],
    });
    expect(device.logOf('jammed').slice(-2)).toEqual(['undo create-vrf', 'undo reserve-vni']);
    const history = await engine.sagas.history('jammed');
    const aborted = history?.events.find((entry) => entry.event.type === 'SagaAborted');
    expect(aborted).toMatchObject({
      actor: 'ops:alice',
      event: { data: { actor: 'ops:alice', reason: 'the switch is back' } },
    });
  });

  it('previews a batch, then applies it to every saga the filter selects that it applies to', async () => {
    await park('batch-1', 3);
    await park('batch-2', 3);
    await engine.sagas.start(createVpc, 'batch-done', 'vpc/batch-done', {});
    await engine.sagas.waitFor('batch-done', 10_000);
    const filter = { sagaIds: ['batch-1', 'batch-2', 'batch-done'] };
    await expect(engine.sagas.preview('retry', filter)).resolves.toBe(2);
    await expect(
      engine.sagas.preview('retry', { ...filter, statuses: ['completed'] }),
    ).resolves.toBe(0);
    const result = await engine.sagas.batch('retry', filter, {
      actor: 'ops:bob',
      reason: 'leaf rebooted',
    });
    expect(result).toEqual({ matched: 2, applied: ['batch-1', 'batch-2'], refused: [] });
    for (const sagaId of ['batch-1', 'batch-2']) {
      await expect(engine.sagas.waitFor(sagaId, 10_000)).resolves.toMatchObject({
        status: 'failed',
        compensated: ['bind-vni', 'create-vrf', 'reserve-vni'],
      });
      const history = await engine.sagas.history(sagaId);
      expect(history?.events.find((entry) => entry.event.type === 'SagaRetried')?.actor).toBe(
        'ops:bob',
      );
    }
    await expect(engine.sagas.preview('retry', filter)).resolves.toBe(0);
  });
});
