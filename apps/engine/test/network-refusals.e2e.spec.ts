import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  createTenantSubnet,
  finished,
  subnetBody,
  tenantBody,
  vpcBody,
} from '../../../test/support/network-fixtures';

const SUBNET = 'tenants/acme/vpcs/f/subnets/a';

interface Counts {
  readonly events: number;
  readonly streams: number;
}

describe('refused requests write nothing', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let auditor: LoomClients;
  let bob: LoomClients;

  const counts = async (): Promise<Counts> => {
    const client = new Client({ connectionString: await engine.databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ events: string; streams: string }>(
        `SELECT (SELECT count(*) FROM event_store.events) AS events,
                (SELECT count(*) FROM event_store.streams) AS streams`,
      );
      return { events: Number(rows[0]?.events), streams: Number(rows[0]?.streams) };
    } finally {
      await client.end();
    }
  };

  /** [cause, the refused call (with a request_id), the code it answers]. */
  const refusals = (): [string, () => Promise<unknown>, string][] => [
    [
      'validation: a VPC block with host bits',
      () =>
        portal.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: vpcBody(['10.5.0.1/16']),
          requestId: randomUUID(),
        }),
      'INVALID_ARGUMENT',
    ],
    [
      'validation: a port on a leaf the fabric does not have',
      () =>
        portal.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: boundPortBody('leaf99'),
          requestId: randomUUID(),
        }),
      'INVALID_ARGUMENT',
    ],
    [
      'a missing parent: a VPC of a tenant that does not exist',
      () =>
        portal.vpcs.createVpc({
          parent: 'tenants/ghost',
          vpcId: 'n',
          vpc: vpcBody(['10.5.0.0/16']),
          requestId: randomUUID(),
        }),
      'NOT_FOUND',
    ],
    [
      'a missing parent: a subnet of a VPC that does not exist',
      () =>
        portal.subnets.createSubnet({
          parent: 'tenants/acme/vpcs/nope',
          subnetId: 'n',
          subnet: subnetBody('10.0.9.0/24'),
          requestId: randomUUID(),
        }),
      'NOT_FOUND',
    ],
    [
      'a missing parent: a port of a subnet that does not exist',
      () =>
        portal.ports.createPort({
          parent: 'tenants/acme/vpcs/f/subnets/nope',
          portId: 'n',
          port: boundPortBody('leaf1'),
          requestId: randomUUID(),
        }),
      'NOT_FOUND',
    ],
    [
      'a missing resource: deleting a VPC that does not exist',
      () =>
        portal.vpcs.deleteVpc({ name: 'tenants/ghost/vpcs/n', etag: '', requestId: randomUUID() }),
      'NOT_FOUND',
    ],
    [
      "access: a tenant's create in another tenant",
      () =>
        bob.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: vpcBody(['10.5.0.0/16']),
          requestId: randomUUID(),
        }),
      'NOT_FOUND',
    ],
    [
      "access: an auditor's delete",
      () =>
        auditor.vpcs.deleteVpc({ name: 'tenants/acme/vpcs/f', etag: '', requestId: randomUUID() }),
      'PERMISSION_DENIED',
    ],
    [
      'the state: a VPC id that is taken',
      () =>
        portal.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'f',
          vpc: vpcBody(['10.5.0.0/16']),
          requestId: randomUUID(),
        }),
      'ALREADY_EXISTS',
    ],
    [
      'the state: deleting a VPC with subnets',
      () =>
        portal.vpcs.deleteVpc({ name: 'tenants/acme/vpcs/f', etag: '', requestId: randomUUID() }),
      'FAILED_PRECONDITION',
    ],
    [
      'the state: a port over quota',
      () =>
        portal.ports.createPort({
          parent: SUBNET,
          portId: 'over',
          port: boundPortBody('leaf1', 'swp2'),
          requestId: randomUUID(),
        }),
      'RESOURCE_EXHAUSTED',
    ],
    [
      'the state: a stale etag',
      () =>
        portal.vpcs.deleteVpc({
          name: 'tenants/acme/vpcs/f',
          etag: '"99"',
          requestId: randomUUID(),
        }),
      'ABORTED',
    ],
  ];

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    auditor = await engine.clientsAs('auditor');
    bob = await engine.clientsAs('tenant', 'bob');
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 1 });
    await finished(
      portal,
      await portal.ports.createPort({
        parent: SUBNET,
        portId: 'p',
        port: boundPortBody('leaf1'),
        requestId: '',
      }),
    );
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.each(refusals().map(([cause, , code], index) => [cause, code, index] as const))(
    'appends no event and creates no stream for a refusal by %s (%s)',
    async (_cause, code, index) => {
      const before = await counts();
      const [, call] = refusals()[index]!;
      expect((await grpcErrorOf(call())).codeName).toBe(code);
      expect(await counts()).toEqual(before);
    },
  );

  it('decides a retry with the same request_id again: the same answer, then the work once it is possible', async () => {
    const before = await counts();
    const request = {
      parent: 'tenants/ghost',
      vpcId: 'blue',
      vpc: vpcBody(['10.0.0.0/16']),
      requestId: randomUUID(),
    };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await grpcErrorOf(portal.vpcs.createVpc(request))).codeName).toBe('NOT_FOUND');
    }
    expect(await counts()).toEqual(before);
    await portal.tenants.createTenant({
      tenantId: 'ghost',
      tenant: tenantBody({ vpcs: 1, subnets: 0, ports: 0 }),
      requestId: '',
    });
    const created = await portal.vpcs.createVpc(request);
    expect(created.target).toBe('tenants/ghost/vpcs/blue');
    // From now on the request_id answers with that operation, and writes nothing more.
    const afterCreate = await counts();
    expect((await portal.vpcs.createVpc(request)).name).toBe(created.name);
    expect(await counts()).toEqual(afterCreate);
  });
});
