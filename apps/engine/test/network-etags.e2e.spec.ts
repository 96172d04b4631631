import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  createTenantSubnet,
  finished,
  subnetBody,
  vpcBody,
} from '../../../test/support/network-fixtures';

const SUBNET = 'tenants/acme/vpcs/f/subnets/a';
const PORT = `${SUBNET}/ports/p`;
const displayNameOnly = { paths: ['display_name'] } as never;

describe('etags change whenever what Get shows changes', () => {
  let engine: TestEngine;
  let portal: LoomClients;

  beforeAll(async () => {
    // Every device operation takes 400 ms: a port stays PENDING long enough to be read so.
    engine = await startTestEngine({ LOOM_FABRIC_LATENCY_MS: '400' });
    portal = await engine.clientsAs('portal');
    await createTenantSubnet(portal, { vpcs: 3, subnets: 2, ports: 2 });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it("gives a port a new etag when it becomes ACTIVE, and refuses the PENDING port's etag", async () => {
    const operation = await portal.ports.createPort({
      parent: SUBNET,
      portId: 'p',
      port: boundPortBody('leaf1'),
      requestId: '',
    });
    const pending = await portal.ports.getPort({ name: PORT });
    expect(pending.status).toBe('PENDING');
    const listed = await portal.ports.listPorts({ parent: SUBNET, pageSize: 0, pageToken: '' });
    expect(listed.ports.map((port) => port.etag)).toEqual([pending.etag]);

    expect(await finished(portal, operation)).toMatchObject({ done: true, error: null });
    const active = await portal.ports.getPort({ name: PORT });
    expect(active.status).toBe('ACTIVE');
    expect(active.etag).not.toBe(pending.etag);

    const update = (etag: string) =>
      portal.ports.updatePort({
        port: { ...boundPortBody('leaf1'), name: PORT, displayName: 'web-1', etag },
        updateMask: displayNameOnly,
      });
    expect(await grpcErrorOf(update(pending.etag))).toMatchObject({
      codeName: 'ABORTED',
      errorInfo: { reason: 'ETAG_MISMATCH', metadata: { resource: PORT } },
    });
    expect(
      await grpcErrorOf(portal.ports.deletePort({ name: PORT, etag: pending.etag, requestId: '' })),
    ).toMatchObject({ codeName: 'ABORTED' });
    expect((await portal.ports.getPort({ name: PORT })).displayName).toBe('');

    const renamed = await update(active.etag);
    expect(renamed).toMatchObject({ displayName: 'web-1', status: 'ACTIVE' });
    expect(renamed.etag).not.toBe(active.etag);
  });

  it('gives a tenant a new etag when its usage changes, and refuses the one read before', async () => {
    const before = await portal.tenants.getTenant({ name: 'tenants/acme' });
    await finished(
      portal,
      await portal.vpcs.createVpc({
        parent: 'tenants/acme',
        vpcId: 'g',
        vpc: vpcBody(['10.7.0.0/16']),
        requestId: '',
      }),
    );
    const after = await portal.tenants.getTenant({ name: 'tenants/acme' });
    expect(after.usage?.vpcs).toBe((before.usage?.vpcs ?? 0) + 1);
    expect(after.etag).not.toBe(before.etag);

    const rename = (etag: string) =>
      portal.tenants.updateTenant({
        tenant: { ...after, displayName: 'Acme', etag },
        updateMask: displayNameOnly,
      });
    expect(await grpcErrorOf(rename(before.etag))).toMatchObject({
      codeName: 'ABORTED',
      errorInfo: { reason: 'ETAG_MISMATCH' },
    });
    expect((await rename(after.etag)).displayName).toBe('Acme');
  });

  it('keeps the etag of a resource whose visible state did not change (a VPC gaining a subnet)', async () => {
    const before = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/g' });
    await finished(
      portal,
      await portal.subnets.createSubnet({
        parent: 'tenants/acme/vpcs/g',
        subnetId: 'b',
        subnet: subnetBody('10.7.1.0/24'),
        requestId: '',
      }),
    );
    const after = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/g' });
    expect(after.etag).toBe(before.etag);
    const renamed = await portal.vpcs.updateVpc({
      vpc: { ...after, displayName: 'G' },
      updateMask: displayNameOnly,
    });
    expect(renamed).toMatchObject({ displayName: 'G' });
  });
});
