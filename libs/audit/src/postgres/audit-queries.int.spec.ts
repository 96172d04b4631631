import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@loom/intents';
import { createNetworkServices, type NetworkServices } from '@loom/network';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { isUnder, NetworkReplay } from '../model/network-replay';
import { networkResourceModels } from '../network/network-models';
import { exportEvents } from './audit-export';
import { AuditIndex } from './audit-index';
import { AuditQueries } from './audit-queries';
import { auditMigrations } from './audit.migrations';

const pause = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * The auditor's questions over a log the real network services wrote: who changed what, the
 * network at an instant rebuilt from events, the difference between two instants, a trace, an
 * export.
 */
describe('audit queries', () => {
  let postgres: TestEventStore;
  let services: NetworkServices;
  let queries: AuditQueries;
  let index: AuditIndex;
  const alice: RequestContext = {
    actor: 'portal:alice',
    correlationId: randomUUID(),
    method: '/loom.v1.TenantService/CreateTenant',
  };
  const call = (actor: string, method: string): RequestContext => ({
    actor,
    correlationId: randomUUID(),
    method: `/loom.v1.${method}`,
  });
  const instants: Record<string, Date> = {};
  let portCreate: { operation: string; correlationId: string; requestId: string };

  beforeAll(async () => {
    postgres = await openTestEventStore({ migrations: auditMigrations });
    const { store, database } = postgres;
    services = createNetworkServices(store, {
      l3VniRange: { first: 50_000, last: 50_099 },
      l2VniRange: { first: 100_000, last: 100_999 },
      asn: 65_000,
    });
    index = new AuditIndex(database.pool);
    queries = new AuditQueries(database.pool, store, index, networkResourceModels);
    const quota = { vpcs: 10, subnets: 10, ports: 20, floatingIps: 0 };
    for (const tenantId of ['acme', 'other']) {
      await services.tenants.create(
        { tenantId, displayName: tenantId, quota, requestId: undefined },
        alice,
      );
    }
    for (const vpcId of ['blue', 'blue2', 'blue-x']) {
      await services.vpcs.create(
        {
          tenantId: 'acme',
          vpcId,
          displayName: vpcId,
          cidrBlocks: ['10.0.0.0/16'],
          requestId: undefined,
        },
        call('portal:alice', 'VpcService/CreateVpc'),
      );
    }
    await pause();
    instants['vpcs'] = new Date();
    await pause();
    await services.subnets.create(
      {
        tenantId: 'acme',
        vpcId: 'blue',
        subnetId: 'web',
        displayName: 'web',
        cidr: '10.0.1.0/24',
        gatewayIp: '',
        requestId: undefined,
      },
      call('portal:alice', 'SubnetService/CreateSubnet'),
    );
    const requestId = randomUUID();
    const portCall = call('tenant:bob', 'PortService/CreatePort');
    const created = await services.ports.create(
      {
        tenantId: 'acme',
        vpcId: 'blue',
        subnetId: 'web',
        portId: 'vm1',
        displayName: 'vm1',
        kind: 'VIRTUAL_MACHINE',
        fixedIp: '',
        macAddress: '',
        binding: undefined,
        requestId,
      },
      portCall,
    );
    portCreate = {
      operation: created.name,
      correlationId: portCall.correlationId,
      requestId,
    };
    await pause();
    instants['network'] = new Date();
    await pause();
    await services.vpcs.update(
      { name: { tenant: 'acme', vpc: 'blue' }, displayName: 'Blue production' },
      call('ops:carol', 'VpcService/UpdateVpc'),
    );
    await services.ports.delete(
      { name: { tenant: 'acme', vpc: 'blue', subnet: 'web', port: 'vm1' } },
      call('tenant:bob', 'PortService/DeletePort'),
    );
    await pause();
    instants['end'] = new Date();
  });
  afterAll(async () => {
    await postgres.close();
  });

  it('lists a tenant’s changes newest first, each with who, which method and the fields before and after', async () => {
    const page = await queries.changes({ tenant: 'acme' }, { size: 12, order: 'newest' });
    expect(page.entries).toHaveLength(12);
    expect(page.next).toBeDefined();
    const update = page.entries.find((entry) => entry.eventType === 'VpcUpdated');
    expect(update).toMatchObject({
      actor: 'ops:carol',
      role: 'ops',
      subject: 'carol',
      action: 'VpcService/UpdateVpc',
      kind: 'vpc',
      resource: 'tenants/acme/vpcs/blue',
      changes: [{ field: 'displayName', before: 'blue', after: 'Blue production' }],
    });
    const deleted = page.entries.find((entry) => entry.eventType === 'PortDeleted');
    expect(deleted).toMatchObject({ actor: 'tenant:bob', action: 'PortService/DeletePort' });
    expect(deleted?.changes.map((change) => change.field)).toEqual([
      'binding',
      'displayName',
      'fixedIp',
      'kind',
      'macAddress',
      'status',
    ]);
    expect(deleted?.changes.every((change) => change.after === undefined)).toBe(true);
    const positions = page.entries.map((entry) => entry.position);
    expect([...positions].sort((a, b) => (a > b ? -1 : 1))).toEqual(positions);
  });

  it('pages through every change once, in either order', async () => {
    const read = async (order: 'newest' | 'oldest') => {
      const seen: bigint[] = [];
      let after: bigint | undefined;
      do {
        const page = await queries.changes(
          { tenant: 'acme' },
          { size: 3, order, ...(after === undefined ? {} : { after }) },
        );
        seen.push(...page.entries.map((entry) => entry.position));
        after = page.next;
      } while (after !== undefined);
      return seen;
    };
    const newest = await read('newest');
    const oldest = await read('oldest');
    expect(new Set(newest).size).toBe(newest.length);
    expect(oldest).toEqual([...newest].reverse());
  });

  it('filters by a resource and everything under it, not by a name that merely starts the same', async () => {
    const page = await queries.changes(
      { resource: 'tenants/acme/vpcs/blue' },
      { size: 100, order: 'oldest' },
    );
    const resources = new Set(page.entries.map((entry) => entry.resource));
    expect([...resources].sort()).toEqual([
      'tenants/acme/vpcs/blue',
      'tenants/acme/vpcs/blue/subnets/web',
      'tenants/acme/vpcs/blue/subnets/web/ports/vm1',
    ]);
  });

  it('filters by actor (role:subject or subject), request id, correlation id, type and time', async () => {
    const everything = { size: 100, order: 'oldest' as const };
    const byBob = await queries.changes({ actor: 'tenant:bob' }, everything);
    expect(new Set(byBob.entries.map((entry) => entry.actor))).toEqual(new Set(['tenant:bob']));
    expect((await queries.changes({ actor: 'bob' }, everything)).entries).toHaveLength(
      byBob.entries.length,
    );
    const byRequest = await queries.changes({ requestId: portCreate.requestId }, everything);
    expect(byRequest.entries.map((entry) => entry.eventType)).toEqual(
      expect.arrayContaining(['PortCreated', 'OperationStarted']),
    );
    const byCorrelation = await queries.changes(
      { correlationId: portCreate.correlationId },
      everything,
    );
    expect(byCorrelation.entries.map((entry) => entry.position)).toEqual(
      byRequest.entries.map((entry) => entry.position),
    );
    const vpcCreates = await queries.changes({ eventType: 'VpcCreated' }, everything);
    expect(vpcCreates.entries.map((entry) => entry.resource)).toEqual([
      'tenants/acme/vpcs/blue',
      'tenants/acme/vpcs/blue2',
      'tenants/acme/vpcs/blue-x',
    ]);
    const late = await queries.changes({ tenant: 'acme', from: instants['network']! }, everything);
    expect(late.entries.map((entry) => entry.eventType)).toEqual(
      expect.arrayContaining(['VpcUpdated', 'PortDeleted']),
    );
    expect(late.entries.some((entry) => entry.eventType === 'PortCreated')).toBe(false);
  });

  it('rebuilds the network at an instant from the events', async () => {
    const atVpcs = await queries.stateAt('tenants/acme', { time: instants['vpcs']! });
    expect([...atVpcs.resources.keys()]).toEqual([
      'tenants/acme',
      'tenants/acme/vpcs/blue',
      'tenants/acme/vpcs/blue-x',
      'tenants/acme/vpcs/blue2',
    ]);
    expect(atVpcs.resources.get('tenants/acme')?.fields).toMatchObject({
      usage: { vpcs: 3, subnets: 0, ports: 0 },
    });
    const atNetwork = await queries.stateAt('tenants/acme/vpcs/blue', {
      time: instants['network']!,
    });
    expect([...atNetwork.resources.keys()]).toEqual([
      'tenants/acme/vpcs/blue',
      'tenants/acme/vpcs/blue/subnets/web',
      'tenants/acme/vpcs/blue/subnets/web/ports/vm1',
    ]);
    expect(
      atNetwork.resources.get('tenants/acme/vpcs/blue/subnets/web/ports/vm1')?.fields,
    ).toMatchObject({
      displayName: 'vm1',
      fixedIp: '10.0.1.2',
    });
  });

  it('gives at a position the same state as a fold of every event of the log up to it', async () => {
    const positions = (await queries.changes({}, { size: 1000, order: 'oldest' })).entries.map(
      (entry) => entry.position,
    );
    for (const position of positions.filter((_, i) => i % 3 === 0)) {
      const replay = new NetworkReplay(networkResourceModels);
      for await (const event of postgres.store.readAll()) {
        if (event.position > position) break;
        replay.apply(event);
      }
      const expected = replay.snapshot(
        (view) => isUnder(view.name, 'tenants/acme') && view.kind !== 'operation',
      );
      expect((await queries.stateAt('tenants/acme', { position })).resources).toEqual(expected);
    }
  });

  it('diffs two instants: exactly what was added, removed and changed', async () => {
    const { diff } = await queries.diff(
      'tenants/acme',
      { time: instants['vpcs']! },
      { time: instants['end']! },
    );
    expect(diff.added.map((view) => view.name)).toEqual(['tenants/acme/vpcs/blue/subnets/web']);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([
      {
        kind: 'tenant',
        name: 'tenants/acme',
        changes: [
          {
            field: 'usage',
            before: { vpcs: 3, subnets: 0, ports: 0, floatingIps: 0 },
            after: { vpcs: 3, subnets: 1, ports: 0, floatingIps: 0 },
          },
        ],
      },
      {
        kind: 'vpc',
        name: 'tenants/acme/vpcs/blue',
        changes: [{ field: 'displayName', before: 'blue', after: 'Blue production' }],
      },
    ]);
    const portLife = await queries.diff(
      'tenants/acme/vpcs/blue/subnets/web',
      { time: instants['network']! },
      { time: instants['end']! },
    );
    expect(portLife.diff.removed.map((view) => view.name)).toEqual([
      'tenants/acme/vpcs/blue/subnets/web/ports/vm1',
    ]);
  });

  it('traces a call from its operation or its request id', async () => {
    const byOperation = await queries.trace({ operation: portCreate.operation });
    const byRequest = await queries.trace({ requestId: portCreate.requestId });
    expect(byOperation).toBeDefined();
    expect(byRequest?.events).toEqual(byOperation?.events);
    expect(byOperation).toMatchObject({
      correlationId: portCreate.correlationId,
      requestId: portCreate.requestId,
      actor: 'tenant:bob',
      method: 'PortService/CreatePort',
    });
    expect(byOperation?.events.map((event) => event.eventType)).toEqual(
      expect.arrayContaining(['PortCreated', 'OperationStarted', 'SubnetAddressAllocated']),
    );
    expect(byOperation?.endState.get(portCreate.operation)?.fields).toMatchObject({
      verb: 'create',
      status: 'SUCCEEDED',
    });
    expect(await queries.trace({ operation: portCreate.operation }, 'other')).toBeUndefined();
  });

  it('exports the log as it is stored, resumable, and records who exported it', async () => {
    const all = [];
    for await (const line of exportEvents(postgres.database.pool, postgres.store, index, {
      after: 0n,
      tenant: 'acme',
      actor: 'auditor:dave',
    }))
      all.push(line);
    expect(all.length).toBeGreaterThan(10);
    const middle = all[Math.floor(all.length / 2)]!;
    const rest = [];
    for await (const line of exportEvents(postgres.database.pool, postgres.store, index, {
      after: BigInt(middle.position),
      tenant: 'acme',
      actor: 'auditor:dave',
    }))
      rest.push(line);
    expect(rest[0]?.position).toBe(all[all.indexOf(middle) + 1]?.position);
    const exports = await queries.changes({ actor: 'auditor:dave' }, { size: 10, order: 'oldest' });
    expect(exports.entries.map((entry) => [entry.eventType, entry.kind])).toEqual([
      ['AuditLogExported', 'audit'],
      ['AuditLogExported', 'audit'],
    ]);
    expect(all[0]).toMatchObject({ stream: 'tenant-acme', type: 'TenantCreated' });
  });

  it('lists an operator’s action on a saga with its reason and the saga’s status before and after', async () => {
    const stream = `saga-op-${randomUUID()}`;
    const at = new Date().toISOString();
    await postgres.store.append(
      stream,
      [
        {
          type: 'SagaStarted',
          data: {
            sagaId: stream.slice(5),
            sagaType: 'provision-port',
            resourceKey: 'leaf/leaf1',
            input: {},
            steps: [],
            startedAt: at,
          },
        },
        {
          type: 'SagaParked',
          data: {
            step: 'bind-port',
            reason: 'leaf1 unreachable',
            phase: 'running',
            error: null,
            at,
          },
        },
      ],
      'no-stream',
    );
    await postgres.store.append(
      stream,
      [
        {
          type: 'SagaRetried',
          data: { actor: 'ops:erin', reason: 'cable replaced', at },
          metadata: { actor: 'ops:erin' },
        },
      ],
      1,
    );
    const page = await queries.changes({ actor: 'ops:erin' }, { size: 10, order: 'newest' });
    expect(page.entries).toEqual([
      expect.objectContaining({
        kind: 'saga',
        resource: `sagas/${stream.slice(5)}`,
        eventType: 'SagaRetried',
        role: 'ops',
        subject: 'erin',
        action: 'saga provision-port',
        changes: [
          { field: 'reason', after: 'cable replaced' },
          { field: 'status', before: 'parked', after: 'running' },
        ],
      }),
    ]);
  });
});
