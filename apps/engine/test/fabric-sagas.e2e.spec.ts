import { join } from 'node:path';
import {
  openFileBackedFabric,
  type FaultSpec,
  type OperationKind,
  type SimulatedFabric,
} from '@loom/fabric';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  createTenantSubnet,
  finished,
} from '../../../test/support/network-fixtures';

const SUBNET = 'tenants/acme/vpcs/f/subnets/a';

/** Port sagas on the simulated fabric: every failure leaves the devices exactly as they were. */
describe('port fabric sagas', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let fabric: SimulatedFabric;
  let portCount = 0;

  beforeAll(async () => {
    engine = await startTestEngine({ LOOM_DEVICE_TIMEOUT_MS: '400' });
    portal = await engine.clientsAs('portal');
    fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
    await createTenantSubnet(portal, { vpcs: 10, subnets: 10, ports: 100 });
  });
  afterAll(async () => {
    await engine.stop();
  });

  const createPort = async (leaf: string, switchInterface = 'swp1') => {
    portCount += 1;
    const portId = `p${portCount}`;
    const operation = await finished(
      portal,
      await portal.ports.createPort({
        parent: SUBNET,
        portId,
        port: boundPortBody(leaf, switchInterface),
        requestId: '',
      }),
    );
    return { name: `${SUBNET}/ports/${portId}`, operation };
  };

  it('configures the leaf: VRF with BGP EVPN and the port bound to its L2 VNI', async () => {
    const { name, operation } = await createPort('leaf1');
    expect(operation).toMatchObject({ done: true, error: null });
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    const subnet = await portal.subnets.getSubnet({ name: SUBNET });
    const port = await portal.ports.getPort({ name });
    expect(port.status).toBe('ACTIVE');
    const leaf = await fabric.readState('leaf1');
    expect(leaf.vrfs).toEqual([
      expect.objectContaining({ name: vpc.vrfName, l3Vni: vpc.l3Vni, bgpEvpn: true }),
    ]);
    expect(leaf.l2Vnis).toEqual([
      expect.objectContaining({
        l2Vni: subnet.l2Vni,
        vrf: vpc.vrfName,
        vlan: port.binding?.vlan,
        anycastGateway: '10.0.1.1/24',
        interfaces: ['swp1'],
      }),
    ]);
    expect((await fabric.readState('leaf2')).vrfs).toEqual([]);
  });

  const provisionFaults: [string, FaultSpec][] = [
    ['createVrf refused', { effect: 'fail', device: 'leaf2', operationKind: 'createVrf' }],
    [
      'configureBgpEvpn refused',
      { effect: 'fail', device: 'leaf2', operationKind: 'configureBgpEvpn' },
    ],
    ['bindL2Vni refused', { effect: 'fail', device: 'leaf2', operationKind: 'bindL2Vni' }],
    [
      'createVrf never answering',
      { effect: 'time-out', device: 'leaf2', operationKind: 'createVrf' },
    ],
    [
      'bindL2Vni applied but never answering',
      { effect: 'lose-reply-time-out', device: 'leaf2', operationKind: 'bindL2Vni' },
    ],
  ];

  it.each(provisionFaults)(
    'undoes a port provisioning with %s: devices exactly as before, the error on the operation',
    async (_label, fault) => {
      const before = await fabric.snapshot();
      await fabric.injectFault(fault);
      try {
        const { name, operation } = await createPort('leaf2');
        expect(operation.done).toBe(true);
        expect(operation.error).toMatchObject({
          code: 14,
          message: expect.stringMatching(/fabric step .* failed and was undone/),
        });
        expect(await fabric.snapshot()).toEqual(before);
        const port = await portal.ports.getPort({ name });
        expect(port).toMatchObject({
          status: 'ERROR',
          statusReason: expect.stringContaining('leaf2'),
        });
      } finally {
        await fabric.clearFaults();
      }
    },
  );

  const deprovisionFaults: [string, string, OperationKind][] = [
    ['unbindL2Vni', 'leaf3', 'unbindL2Vni'],
    ['removeBgpEvpn', 'leaf4', 'removeBgpEvpn'],
    ['deleteVrf', 'border1', 'deleteVrf'],
  ];

  it.each(deprovisionFaults)(
    'undoes a port deprovisioning refused at %s: the leaf keeps its configuration',
    async (_label, leaf, kind) => {
      const { name } = await createPort(leaf);
      const before = await fabric.snapshot();
      await fabric.injectFault({ effect: 'fail', device: leaf, operationKind: kind });
      try {
        const deletion = await finished(
          portal,
          await portal.ports.deletePort({ name, etag: '', requestId: '' }),
        );
        expect(deletion.error?.message).toMatch(/failed and was undone/);
        expect(await fabric.snapshot()).toEqual(before);
      } finally {
        await fabric.clearFaults();
      }
    },
  );

  it('keeps shared configuration while another port still needs it', async () => {
    const first = await createPort('leaf1', 'swp2');
    const second = await createPort('leaf1', 'swp2');
    expect(first.operation.error).toBeNull();
    await finished(
      portal,
      await portal.ports.deletePort({ name: first.name, etag: '', requestId: '' }),
    );
    const leaf = await fabric.readState('leaf1');
    expect(leaf.l2Vnis[0]?.interfaces).toContain('swp2');
    await finished(
      portal,
      await portal.ports.deletePort({ name: second.name, etag: '', requestId: '' }),
    );
    expect((await fabric.readState('leaf1')).l2Vnis[0]?.interfaces).not.toContain('swp2');
    expect((await fabric.readState('leaf1')).vrfs).toHaveLength(1);
  });
});
