import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { externalClientsAs, type ExternalClients } from '../../../test/support/external-clients';
import type { LoomClients } from '../../../test/support/grpc-client';
import { finished, tenantBody, vpcBody } from '../../../test/support/network-fixtures';

const gatewayBody = {
  name: '',
  externalNetwork: 'externalNetworks/internet',
  transferBlock: '',
  vrfAddress: '',
  gatewayAddress: '',
  snatAddress: '',
  status: 'EXTERNAL_GATEWAY_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  floatingIps: [],
  etag: '',
};

/** LOOM_TRANSFER_POOL: a pool of two /31s serves two VPCs, refuses a third, and takes one back. */
describe('a configured transfer pool', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let external: ExternalClients;

  const connect = async (vpcId: string) =>
    finished(
      portal,
      await external.externalGateways.createExternalGateway({
        parent: `tenants/acme/vpcs/${vpcId}`,
        externalGateway: gatewayBody,
        requestId: '',
      }),
    );

  beforeAll(async () => {
    engine = await startTestEngine({ LOOM_TRANSFER_POOL: '10.255.0.0/30' });
    portal = await engine.clientsAs('portal');
    external = await externalClientsAs(engine.address, engine.dataDir, 'portal');
    await portal.tenants.createTenant({
      tenantId: 'acme',
      tenant: tenantBody({ vpcs: 5, subnets: 5, ports: 5 }),
      requestId: '',
    });
    await external.externalNetworks.createExternalNetwork({
      externalNetworkId: 'internet',
      externalNetwork: {
        name: '',
        displayName: '',
        pools: ['203.0.113.0/28'],
        gatewayNodes: ['gw1', 'gw2'],
        upstreamPeers: [{ address: '198.51.100.1', asn: 64500 }],
        addressesInUse: 0,
        etag: '',
        createTime: null,
        updateTime: null,
      },
      requestId: '',
    });
    for (const [vpcId, cidr] of [
      ['a', '10.0.0.0/16'],
      ['b', '10.1.0.0/16'],
      ['c', '10.2.0.0/16'],
    ] as const) {
      await finished(
        portal,
        await portal.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId,
          vpc: vpcBody([cidr]),
          requestId: '',
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    external.close();
    await engine.stop();
  });

  it('allocates from it, refuses when it is used up, and reuses a block given back', async () => {
    expect(await connect('a')).toMatchObject({ done: true, error: null });
    expect(await connect('b')).toMatchObject({ done: true, error: null });
    const blocks = await Promise.all(
      ['a', 'b'].map(
        async (vpcId) =>
          (
            await external.externalGateways.getExternalGateway({
              name: `tenants/acme/vpcs/${vpcId}/externalGateway`,
            })
          ).transferBlock,
      ),
    );
    expect(blocks.sort()).toEqual(['10.255.0.0/31', '10.255.0.2/31']);

    await expect(connect('c')).rejects.toMatchObject({
      code: 8, // RESOURCE_EXHAUSTED
      details: expect.stringContaining('10.255.0.0/30'),
    });

    await finished(
      portal,
      await external.externalGateways.deleteExternalGateway({
        name: 'tenants/acme/vpcs/a/externalGateway',
        etag: '',
        requestId: '',
      }),
    );
    expect(await connect('c')).toMatchObject({ done: true, error: null });
    const c = await external.externalGateways.getExternalGateway({
      name: 'tenants/acme/vpcs/c/externalGateway',
    });
    expect(c.transferBlock).toBe(blocks.find((block) => block !== '10.255.0.2/31'));
  });
});
