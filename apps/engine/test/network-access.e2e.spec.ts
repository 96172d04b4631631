import { Client } from 'pg';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { decodeGrpcError, grpcErrorOf } from '../../../test/support/grpc-errors';
import { createLoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  subnetBody as subnetFixture,
  tenantBody as tenantFixture,
  vpcBody as vpcFixture,
} from '../../../test/support/network-fixtures';

const quota = { vpcs: 5, subnets: 5, ports: 5 };
const tenantBody = tenantFixture(quota);
const vpcBody = vpcFixture(['10.0.0.0/16']);
const subnetBody = subnetFixture('10.0.1.0/24');
/** An unbound port: no fabric work, so these tests are about access alone. */
const portBody = { ...boundPortBody('leaf1'), binding: null };

/** Every method, aimed at tenant `target`'s resources. */
function everyMethod(clients: LoomClients, target: string) {
  const vpc = `tenants/${target}/vpcs/v`;
  const subnet = `${vpc}/subnets/s`;
  const port = `${subnet}/ports/p`;
  return {
    GetTenant: () => clients.tenants.getTenant({ name: `tenants/${target}` }),
    UpdateTenant: () =>
      clients.tenants.updateTenant({
        tenant: { ...tenantBody, name: `tenants/${target}`, displayName: 'x' },
        updateMask: { paths: ['display_name'] } as never,
      }),
    DeleteTenant: () => clients.tenants.deleteTenant({ name: `tenants/${target}`, etag: '' }),
    CreateVpc: () =>
      clients.vpcs.createVpc({
        parent: `tenants/${target}`,
        vpcId: 'new',
        vpc: vpcBody,
        requestId: '',
      }),
    GetVpc: () => clients.vpcs.getVpc({ name: vpc }),
    ListVpcs: () =>
      clients.vpcs.listVpcs({ parent: `tenants/${target}`, pageSize: 0, pageToken: '' }),
    UpdateVpc: () =>
      clients.vpcs.updateVpc({
        vpc: { ...vpcBody, name: vpc },
        updateMask: { paths: ['display_name'] } as never,
      }),
    DeleteVpc: () => clients.vpcs.deleteVpc({ name: vpc, etag: '', requestId: '' }),
    CreateSubnet: () =>
      clients.subnets.createSubnet({
        parent: vpc,
        subnetId: 'new',
        subnet: { ...subnetBody, cidr: '10.0.9.0/24' },
        requestId: '',
      }),
    GetSubnet: () => clients.subnets.getSubnet({ name: subnet }),
    ListSubnets: () => clients.subnets.listSubnets({ parent: vpc, pageSize: 0, pageToken: '' }),
    UpdateSubnet: () =>
      clients.subnets.updateSubnet({
        subnet: { ...subnetBody, name: subnet },
        updateMask: { paths: ['display_name'] } as never,
      }),
    DeleteSubnet: () => clients.subnets.deleteSubnet({ name: subnet, etag: '', requestId: '' }),
    CreatePort: () =>
      clients.ports.createPort({ parent: subnet, portId: 'new', port: portBody, requestId: '' }),
    GetPort: () => clients.ports.getPort({ name: port }),
    ListPorts: () => clients.ports.listPorts({ parent: subnet, pageSize: 0, pageToken: '' }),
    UpdatePort: () =>
      clients.ports.updatePort({
        port: { ...portBody, name: port },
        updateMask: { paths: ['display_name'] } as never,
      }),
    DeletePort: () => clients.ports.deletePort({ name: port, etag: '', requestId: '' }),
    ListOperations: () =>
      clients.operations.listOperations({
        parent: `tenants/${target}`,
        pageSize: 0,
        pageToken: '',
      }),
    GetOperation: () =>
      clients.operations.getOperation({ name: `tenants/${target}/operations/op-1` }),
    WaitOperation: () =>
      clients.operations.waitOperation({
        name: `tenants/${target}/operations/op-1`,
        timeout: null,
      }),
  };
}
const writes = [
  'UpdateTenant',
  'DeleteTenant',
  'CreateVpc',
  'UpdateVpc',
  'DeleteVpc',
  'CreateSubnet',
  'UpdateSubnet',
  'DeleteSubnet',
  'CreatePort',
  'UpdatePort',
  'DeletePort',
];

describe('access to the network API', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let bob: LoomClients;
  let auditor: LoomClients;
  let ops: LoomClients;

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    for (const tenantId of ['alice', 'bob']) {
      await portal.tenants.createTenant({ tenantId, tenant: tenantBody, requestId: '' });
      await portal.vpcs.createVpc({
        parent: `tenants/${tenantId}`,
        vpcId: 'v',
        vpc: vpcBody,
        requestId: '',
      });
      await portal.subnets.createSubnet({
        parent: `tenants/${tenantId}/vpcs/v`,
        subnetId: 's',
        subnet: subnetBody,
        requestId: '',
      });
      await portal.ports.createPort({
        parent: `tenants/${tenantId}/vpcs/v/subnets/s`,
        portId: 'p',
        port: portBody,
        requestId: '',
      });
    }
    bob = await engine.clientsAs('tenant', 'bob');
    auditor = await engine.clientsAs('auditor');
    ops = await engine.clientsAs('ops');
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.each(Object.keys(everyMethod({} as LoomClients, 'alice')))(
    "answers tenant bob's %s on alice's resources exactly as for a tenant that does not exist",
    async (method) => {
      const onAlice = await grpcErrorOf(
        everyMethod(bob, 'alice')[method as keyof ReturnType<typeof everyMethod>](),
      );
      const onNobody = await grpcErrorOf(
        everyMethod(bob, 'nobody')[method as keyof ReturnType<typeof everyMethod>](),
      );
      // Tenants may never delete tenants: refused the same way whichever tenant is named.
      const expected = method === 'DeleteTenant' ? 'PERMISSION_DENIED' : 'NOT_FOUND';
      expect(onAlice.codeName).toBe(expected);
      expect(onNobody.codeName).toBe(expected);
      expect(onAlice.message.replaceAll('alice', 'X')).toBe(
        onNobody.message.replaceAll('nobody', 'X'),
      );
    },
  );

  it("answers tenant bob's Watch on alice's tenant exactly as for a tenant that does not exist", async () => {
    const watchError = (target: string) =>
      new Promise<unknown>((resolve) => {
        const stream = bob.watch.watch({ parent: `tenants/${target}` });
        stream.on('error', resolve);
        stream.on('data', () => {
          resolve(new Error('a change was delivered'));
        });
      });
    const onAlice = decodeGrpcError(await watchError('alice'));
    const onNobody = decodeGrpcError(await watchError('nobody'));
    expect(onAlice.codeName).toBe('NOT_FOUND');
    expect(onAlice.message.replaceAll('alice', 'X')).toBe(
      onNobody.message.replaceAll('nobody', 'X'),
    );
  });

  it('leaves alice untouched after all of that', async () => {
    expect(
      (await portal.ports.getPort({ name: 'tenants/alice/vpcs/v/subnets/s/ports/p' })).fixedIp,
    ).toBe('10.0.1.2');
    expect((await portal.tenants.getTenant({ name: 'tenants/alice' })).displayName).toBe('');
    expect(
      (await portal.vpcs.listVpcs({ parent: 'tenants/alice', pageSize: 0, pageToken: '' })).vpcs,
    ).toHaveLength(1);
  });

  it('lets a tenant work on its own resources, but not create tenants or change its quota', async () => {
    expect((await bob.vpcs.getVpc({ name: 'tenants/bob/vpcs/v' })).name).toBe('tenants/bob/vpcs/v');
    expect(
      (await bob.tenants.listTenants({ pageSize: 0, pageToken: '' })).tenants.map(
        (tenant) => tenant.name,
      ),
    ).toEqual(['tenants/bob']);
    expect(
      (
        await grpcErrorOf(
          bob.tenants.createTenant({ tenantId: 'mallory', tenant: tenantBody, requestId: '' }),
        )
      ).codeName,
    ).toBe('PERMISSION_DENIED');
    const raiseQuota = bob.tenants.updateTenant({
      tenant: { ...tenantBody, name: 'tenants/bob', quota: { ...quota, floatingIps: 0, vpcs: 99 } },
      updateMask: { paths: ['quota'] } as never,
    });
    expect((await grpcErrorOf(raiseQuota)).codeName).toBe('PERMISSION_DENIED');
  });

  it.each(writes)('refuses %s to auditors and operators, and lets them read', async (method) => {
    for (const reader of [auditor, ops]) {
      const error = await grpcErrorOf(
        everyMethod(reader, 'alice')[method as keyof ReturnType<typeof everyMethod>](),
      );
      expect(error.codeName).toBe('PERMISSION_DENIED');
      expect((await reader.vpcs.getVpc({ name: 'tenants/alice/vpcs/v' })).name).toBe(
        'tenants/alice/vpcs/v',
      );
    }
  });

  it('refuses calls without a valid token', async () => {
    const anonymous = createLoomClients(engine.address, undefined);
    const forged = createLoomClients(engine.address, 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln');
    try {
      expect(
        (await grpcErrorOf(anonymous.vpcs.getVpc({ name: 'tenants/alice/vpcs/v' }))).codeName,
      ).toBe('UNAUTHENTICATED');
      expect(
        (await grpcErrorOf(forged.vpcs.getVpc({ name: 'tenants/alice/vpcs/v' }))).codeName,
      ).toBe('UNAUTHENTICATED');
    } finally {
      anonymous.close();
      forged.close();
    }
  });

  it('records the caller as the actor of every event', async () => {
    await bob.vpcs.updateVpc({
      vpc: { ...vpcBody, name: 'tenants/bob/vpcs/v', displayName: 'by bob' },
      updateMask: { paths: ['display_name'] } as never,
    });
    const client = new Client({ connectionString: await engine.databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ actor: string; tenant: string }>(
        `SELECT metadata->>'actor' AS actor, metadata->>'tenant' AS tenant FROM event_store.events
         WHERE stream_name = 'vpc-bob/v' ORDER BY global_position`,
      );
      expect(rows.at(-1)).toEqual({ actor: 'tenant:e2e-tenant-bob', tenant: 'bob' });
      expect(rows[0]?.actor).toBe('portal:e2e-portal');
    } finally {
      await client.end();
    }
  });
});
