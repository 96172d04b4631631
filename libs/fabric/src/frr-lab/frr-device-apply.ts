import type { BindL2Vni, FabricOperation, UnbindL2Vni } from '../operations/fabric-operation';
import type { DeviceState } from '../state/fabric-state';
import type { DeviceChange } from './device-change';
import { configure } from './frr-daemons';
import { bgpVrf, createVrf, deleteVrf } from './frr-vrf-apply';
import { applyGatewayOperation } from './gateway-apply';
import { applyServiceOperation } from './service-apply';
import { applyShaping } from './shaping-apply';
import { addAccessPort, removeAccessPort } from './lab-hosts';
import { bridgeName, type LabDevice, type LabManifest } from './lab-layout';
import { leafTenantVrfs } from './tenant-vrfs';
import { UndoLog } from './undo-log';
import { addVxlanBridge, removeVxlanBridge } from './vxlan-bridges';

async function bindL2Vni(change: DeviceChange, before: DeviceState, op: BindL2Vni): Promise<void> {
  if (!before.l2Vnis.some((l2) => l2.l2Vni === op.l2Vni)) {
    await addVxlanBridge(change, op.vrf, op.l2Vni, {
      address: op.anycastGateway,
      mac: op.gatewayMac,
      vlan: op.vlan,
    });
  }
  await addAccessPort(
    change,
    op.vrf,
    op.interface,
    op.vlan,
    bridgeName(op.l2Vni),
    op.untagged === true,
  );
}

async function unbindL2Vni(
  change: DeviceChange,
  before: DeviceState,
  after: DeviceState,
  op: UnbindL2Vni,
): Promise<void> {
  const vrf = before.l2Vnis.find((l2) => l2.l2Vni === op.l2Vni)?.vrf ?? '';
  await removeAccessPort(change, vrf, op.interface, op.vlan, op.untagged === true);
  if (!after.l2Vnis.some((l2) => l2.l2Vni === op.l2Vni)) {
    await removeVxlanBridge(change.vrfs, vrf, op.l2Vni);
  }
}

async function apply(
  change: DeviceChange,
  before: DeviceState,
  after: DeviceState,
  op: FabricOperation,
): Promise<void> {
  const { device } = change;
  switch (op.kind) {
    case 'createVrf':
      return createVrf(change, op);
    case 'deleteVrf':
      return deleteVrf(change, before, op);
    case 'configureBgpEvpn':
    case 'removeBgpEvpn': {
      // Type-5 routes: the VRF's connected subnets too, so that a leaf without a subnet routes
      // to a silent host of it (one that has sent nothing yet) through a leaf that has it.
      const no = op.kind === 'removeBgpEvpn' ? 'no ' : '';
      return configure(device, [
        bgpVrf(device, op.vrf),
        'address-family ipv4 unicast',
        `${no}redistribute connected`,
        'exit-address-family',
        'address-family l2vpn evpn',
        `${no}advertise ipv4 unicast`,
        'exit-address-family',
        'exit',
      ]);
    }
    case 'announcePrefix':
    case 'withdrawPrefix':
      return configure(device, [
        bgpVrf(device, op.vrf),
        'address-family ipv4 unicast',
        `${op.kind === 'withdrawPrefix' ? 'no ' : ''}network ${op.prefix}`,
        'exit-address-family',
        'exit',
      ]);
    case 'bindL2Vni':
      return bindL2Vni(change, before, op);
    case 'unbindL2Vni':
      return unbindL2Vni(change, before, after, op);
    case 'shapePort':
    case 'unshapePort':
    case 'shapeFloatingIp':
    case 'unshapeFloatingIp':
      return applyShaping(change, before, after, op);
    case 'addServiceLink':
    case 'removeServiceLink':
    case 'addServiceRoute':
    case 'removeServiceRoute':
    case 'addServiceNat':
    case 'removeServiceNat':
      return applyServiceOperation(change, before, op);
    default:
      return applyGatewayOperation(change, before, op);
  }
}

/** An operation failed part way; `rolledBack` tells whether what it had done was taken back. */
export class DeviceChangeError extends Error {
  constructor(
    readonly failure: unknown,
    readonly rolledBack: boolean,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
    this.name = 'DeviceChangeError';
  }
}

/**
 * Makes the leaf go from `before` to `after` for `op` (the device model already decided that it
 * changes something and is allowed): iproute2 for the VRF's kernel side, bridges, VXLAN devices
 * and access ports, vtysh for the VRF's L3 VNI and its BGP instance. A failure part way takes back
 * what the operation had done and throws DeviceChangeError.
 */
export async function applyToDevice(
  manifest: LabManifest,
  device: LabDevice,
  before: DeviceState,
  after: DeviceState,
  op: FabricOperation,
): Promise<void> {
  const change: DeviceChange = {
    manifest,
    device,
    vrfs: leafTenantVrfs(manifest, device),
    undo: new UndoLog(),
  };
  try {
    await apply(change, before, after, op);
  } catch (error) {
    const failures = await change.undo.rollBack();
    throw new DeviceChangeError(error, failures.length === 0);
  }
}
