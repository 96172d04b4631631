import { join } from 'node:path';
import type { Operation } from '@loom/api-contract';
import { openFileBackedFabric } from '@loom/fabric';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  createSubnet,
  createTenantSubnet,
  finished,
} from '../../../test/support/network-fixtures';

const tenant = 'tenants/acme';
const vpc = `${tenant}/vpcs/f`;
const subnetA = `${vpc}/subnets/a`;
const subnetB = `${vpc}/subnets/b`;

/**
 * A leaf's VLAN goes back to its pool when the intent lets the subnet's last port there go, before
 * the deprovisioning saga unbinds it on the device. Sagas of a leaf run in order, so while that
 * saga waits the VLAN can be handed to another subnet, and a new port of the first subnet on the
 * same interface gets another VLAN: deprovisioning must still remove the old binding.
 */
describe('a deleted port whose VLAN is handed to another subnet before its deprovisioning runs', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine({ LOOM_SAGA_WORKERS: '1' });
    const portal = await engine.clientsAs('portal');
    await createTenantSubnet(portal, { vpcs: 1, subnets: 2, ports: 10 });
    await createSubnet(portal, vpc, 'b', '10.0.2.0/24');
  });
  afterAll(async () => {
    await engine.stop();
  });

  const createPort = (portal: LoomClients, parent: string, id: string, iface: string) =>
    portal.ports.createPort({
      parent,
      portId: id,
      port: boundPortBody('leaf1', iface),
      requestId: '',
    });

  it('unbinds the old VLAN, and the other subnet and the returning port are bound', async () => {
    let portal = await engine.clientsAs('portal');
    const first = await finished(portal, await createPort(portal, subnetA, 'p1', 'swp1'));
    expect(first.error).toBeNull();
    const p1 = await portal.ports.getPort({ name: `${subnetA}/ports/p1` });
    expect(p1.binding?.vlan).toBe(2);

    // No saga runs while the three intents are recorded: they queue on leaf1 in this order.
    await engine.restart('SIGTERM', { LOOM_SAGA_WORKERS: '0' });
    portal = await engine.clientsAs('portal');
    const queued: Operation[] = [
      await portal.ports.deletePort({ name: `${subnetA}/ports/p1`, etag: '', requestId: '' }),
      await createPort(portal, subnetB, 'p2', 'swp2'),
      await createPort(portal, subnetA, 'p3', 'swp1'),
    ];
    expect((await portal.ports.getPort({ name: `${subnetB}/ports/p2` })).binding?.vlan).toBe(2);
    expect((await portal.ports.getPort({ name: `${subnetA}/ports/p3` })).binding?.vlan).toBe(3);

    await engine.restart('SIGTERM', { LOOM_SAGA_WORKERS: '1' });
    portal = await engine.clientsAs('portal');
    const done = await Promise.all(queued.map((operation) => finished(portal, operation, 60)));
    expect(done.map((operation) => operation.error)).toEqual([null, null, null]);

    const fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
    const leaf1 = (await fabric.snapshot())['leaf1'];
    const bindings = (leaf1?.l2Vnis ?? [])
      .map((l2Vni) => ({ vlan: l2Vni.vlan, interfaces: l2Vni.interfaces }))
      .sort((x, y) => x.vlan - y.vlan);
    expect(bindings).toEqual([
      { vlan: 2, interfaces: ['swp2'] },
      { vlan: 3, interfaces: ['swp1'] },
    ]);
  });
});
