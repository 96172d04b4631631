import type { BindL2Vni, CreateVrf, FabricOperation } from '../operations/fabric-operation';
import type { OperationOutcome } from '../operations/operation-outcome';
import type { FabricDriver } from '../operations/fabric-driver';
import type { FabricTopology } from '../topology/topology';

/** A fabric small enough that tests reach its limits: 3 VRFs, 4 L2 VNIs, 2 L3 VNIs per leaf. */
export const smallTopology: FabricTopology = {
  devices: [
    {
      name: 'spine1',
      role: 'spine',
      loopback: '10.254.0.101',
      asn: 65100,
      interfaces: [],
      capacity: { maxVrfs: 1000, maxL2Vnis: 1024, maxL3Vnis: 512 },
    },
    ...['leaf1', 'leaf2'].map((name, index) => ({
      name,
      role: 'leaf' as const,
      loopback: `10.254.0.${index + 1}`,
      asn: 65101 + index,
      interfaces: ['swp1', 'swp2', 'swp3', 'swp4'],
      capacity: { maxVrfs: 3, maxL2Vnis: 4, maxL3Vnis: 2 },
    })),
  ],
};

export function createVrf(vrf: string, l3Vni: number, rdIndex = l3Vni): CreateVrf {
  return {
    kind: 'createVrf',
    vrf,
    l3Vni,
    rd: `10.254.0.1:${rdIndex}`,
    importRts: [`65000:${l3Vni}`],
    exportRts: [`65000:${l3Vni}`],
  };
}

export function bindL2Vni(l2Vni: number, vrf: string, vlan: number, iface = 'swp1'): BindL2Vni {
  return {
    kind: 'bindL2Vni',
    l2Vni,
    vrf,
    vlan,
    interface: iface,
    anycastGateway: `10.${vlan}.0.1/24`,
    gatewayMac: '00:00:5e:00:01:01',
  };
}

let keys = 0;

/** A fresh idempotency key, for tests that do not care which. */
export function freshKey(prefix = 'test'): string {
  keys += 1;
  return `${prefix}-${keys}-${Math.random().toString(36).slice(2)}`;
}

/** Submits under a fresh key and waits (up to a second) for the outcome. */
export async function run(
  fabric: FabricDriver,
  device: string,
  operation: FabricOperation,
  key = freshKey(),
): Promise<OperationOutcome> {
  const id = await fabric.submit(device, operation, key);
  return fabric.await(id, 1000);
}
