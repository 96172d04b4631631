import type { FabricDriver } from '../../operations/fabric-driver';
import type {
  BindL2Vni,
  CreateVrf,
  FabricOperation,
  UnbindL2Vni,
} from '../../operations/fabric-operation';
import type { OperationOutcome } from '../../operations/operation-outcome';
import {
  gatewayStateOf,
  serviceStateOf,
  shapingStateOf,
  type DeviceState,
  type L2VniState,
  type VrfState,
} from '../../state/fabric-state';
import { defaultCapacity, type FabricDevice, type FabricTopology } from '../../topology/topology';
import { freshKey } from '../fabric-fixtures';

function leaf(name: string, loopback: string, asn: number): FabricDevice {
  return {
    name,
    role: 'leaf',
    loopback,
    asn,
    interfaces: ['swp1', 'swp2', 'swp3'],
    capacity: { maxVrfs: 2, maxL2Vnis: 2, maxL3Vnis: 2 },
  };
}

/**
 * The fabric every driver runs the contract on: one spine and two leaves, small enough that a
 * real lab comes up quickly and that a leaf's limits are reached with a few operations. The names
 * are the contract's own, so its FRR daemons are never mistaken for another lab's.
 */
export const contractTopology: FabricTopology = {
  devices: [
    {
      name: 'contract-spine',
      role: 'spine',
      loopback: '10.254.0.101',
      asn: 65100,
      interfaces: ['swp1'],
      capacity: defaultCapacity,
    },
    leaf('contract-leaf1', '10.254.0.1', 65101),
    leaf('contract-leaf2', '10.254.0.2', 65102),
  ],
};

/**
 * The contract's topology with a gateway node, for a driver that runs the gateway operations
 * (FabricDriverContractOptions.gatewayNodes).
 */
export const contractTopologyWithGateway: FabricTopology = {
  devices: [
    ...contractTopology.devices,
    {
      name: 'contract-gw1',
      role: 'gateway',
      loopback: '10.254.0.21',
      asn: 65301,
      interfaces: ['swp1'],
      capacity: defaultCapacity,
    },
  ],
};

/**
 * The contract's topology with a border leaf too, for a driver that runs the service IP
 * operations (FabricDriverContractOptions.serviceNodes).
 */
export const contractTopologyWithEdges: FabricTopology = {
  devices: [
    ...contractTopologyWithGateway.devices,
    {
      name: 'contract-border1',
      role: 'border-leaf',
      loopback: '10.254.0.11',
      asn: 65201,
      interfaces: ['swp1'],
      capacity: defaultCapacity,
    },
  ],
};

export const contractBorder = 'contract-border1';
export const contractGateway = 'contract-gw1';
export const contractLeaf = 'contract-leaf1';
export const otherLeaf = 'contract-leaf2';
export const contractSpine = 'contract-spine';

export const emptyState: DeviceState = { vrfs: [], l2Vnis: [], prefixes: [] };

export function vrfOperation(vrf: string, l3Vni: number): CreateVrf {
  return {
    kind: 'createVrf',
    vrf,
    l3Vni,
    rd: `65000:${l3Vni}`,
    importRts: [`65000:${l3Vni}`, '65000:1'],
    exportRts: [`65000:${l3Vni}`],
  };
}

export function unbindOf(bind: BindL2Vni): UnbindL2Vni {
  return { kind: 'unbindL2Vni', l2Vni: bind.l2Vni, vlan: bind.vlan, interface: bind.interface };
}

/** The VRF `operation` makes, as readState shows it. */
export function vrfState(operation: CreateVrf, bgpEvpn: boolean): VrfState {
  const { vrf: name, l3Vni, rd } = operation;
  const importRts = [...operation.importRts].sort();
  const exportRts = [...operation.exportRts].sort();
  return { name, l3Vni, rd, importRts, exportRts, bgpEvpn };
}

/** The L2 VNI `operation` binds, with the interfaces bound to it. */
export function l2VniState(operation: BindL2Vni, interfaces: readonly string[]): L2VniState {
  const { l2Vni, vrf, vlan, anycastGateway, gatewayMac } = operation;
  return { l2Vni, vrf, vlan, anycastGateway, gatewayMac, interfaces: [...interfaces].sort() };
}

/** Submits `operation` (under a fresh key unless one is given) and waits for its outcome. */
export async function runOperation(
  driver: FabricDriver,
  device: string,
  operation: FabricOperation,
  timeoutMs: number,
  key = freshKey('contract'),
): Promise<OperationOutcome> {
  return driver.await(await driver.submit(device, operation, key), timeoutMs);
}

/** The operations that take `state` back to empty, in an order the device accepts. */
function teardown(state: DeviceState): FabricOperation[] {
  const gateway = gatewayStateOf(state);
  const shaping = shapingStateOf(state);
  const service = serviceStateOf(state);
  return [
    ...service.nats.map(({ vrf }): FabricOperation => ({ kind: 'removeServiceNat', vrf })),
    ...service.routes.map(({ vrf, prefix }): FabricOperation => ({
      kind: 'removeServiceRoute',
      vrf,
      prefix,
    })),
    ...service.links.map(({ vrf }): FabricOperation => ({ kind: 'removeServiceLink', vrf })),
    ...shaping.ports.map(({ interface: iface, vlan, address }): FabricOperation => ({
      kind: 'unshapePort',
      interface: iface,
      vlan,
      address,
    })),
    ...shaping.floatingIps.map(({ vrf, publicAddress }): FabricOperation => ({
      kind: 'unshapeFloatingIp',
      vrf,
      publicAddress,
    })),
    ...gateway.upstreamPrefixes.map((prefix): FabricOperation => ({
      kind: 'withdrawUpstream',
      prefix,
    })),
    ...gateway.dnatRules.map(({ vrf, publicAddress }): FabricOperation => ({
      kind: 'removeDnat',
      vrf,
      publicAddress,
    })),
    ...gateway.snatRules.map(({ vrf }): FabricOperation => ({ kind: 'removeSnat', vrf })),
    ...gateway.defaultRoutes.map(({ vrf }): FabricOperation => ({
      kind: 'removeDefaultRoute',
      vrf,
    })),
    ...gateway.transferLinks.map(({ vrf }): FabricOperation => ({
      kind: 'removeTransferLink',
      vrf,
    })),
    ...state.prefixes.map(({ vrf, prefix }): FabricOperation => ({
      kind: 'withdrawPrefix',
      vrf,
      prefix,
    })),
    ...state.l2Vnis.flatMap(({ l2Vni, vlan, interfaces, untaggedInterfaces = [] }) => [
      ...interfaces.map((iface): FabricOperation => ({
        kind: 'unbindL2Vni',
        l2Vni,
        vlan,
        interface: iface,
      })),
      ...untaggedInterfaces.map((iface): FabricOperation => ({
        kind: 'unbindL2Vni',
        l2Vni,
        vlan,
        interface: iface,
        untagged: true,
      })),
    ]),
    ...state.vrfs
      .filter((vrf) => vrf.bgpEvpn)
      .map((vrf): FabricOperation => ({ kind: 'removeBgpEvpn', vrf: vrf.name })),
    ...state.vrfs.map((vrf): FabricOperation => ({ kind: 'deleteVrf', vrf: vrf.name })),
  ];
}

/**
 * Takes the device back to empty through the driver, so that every test starts from nothing and
 * none leaks capacity into the next; throws when the driver cannot.
 */
export async function resetDevice(
  driver: FabricDriver,
  device: string,
  timeoutMs: number,
): Promise<void> {
  for (const operation of teardown(await driver.readState(device))) {
    const outcome = await runOperation(driver, device, operation, timeoutMs);
    if (outcome.status !== 'succeeded') {
      throw new Error(`cannot reset ${device}: ${operation.kind} ${JSON.stringify(outcome)}`);
    }
  }
  const left = await driver.readState(device);
  if (teardown(left).length > 0) throw new Error(`${device} is not empty: ${JSON.stringify(left)}`);
}
