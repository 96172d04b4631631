import type {
  AnnouncePrefix,
  BindL2Vni,
  CreateVrf,
  FabricOperation,
  UnbindL2Vni,
} from '../operations/fabric-operation';
import type { FailureReason } from '../operations/operation-outcome';
import { carriesTenants, type FabricDevice } from '../topology/topology';
import {
  gatewayStateOf,
  normalizeDeviceState,
  type DeviceState,
  type L2VniState,
  type VrfState,
} from './fabric-state';
import {
  interfaceModeConflict,
  isBound,
  withInterface,
  withoutInterface,
} from './access-interfaces';
import { applyGatewayOperation } from './gateway-model';
import { applyServiceOperation, hasServiceLink, serviceRoutesOf } from './service-model';
import { applyShapingOperation, shapedPortsOn } from './shaping-model';
import { operationProblems } from './operation-validation';

/** What a device does with one operation: change its state, find it already done, or refuse. */
export type DeviceResult =
  | { readonly status: 'changed'; readonly state: DeviceState }
  | { readonly status: 'unchanged' }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly message: string };

const unchanged: DeviceResult = { status: 'unchanged' };

function failed(reason: FailureReason, message: string): DeviceResult {
  return { status: 'failed', reason, message };
}

function changed(state: DeviceState): DeviceResult {
  return { status: 'changed', state: normalizeDeviceState(state) };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

function createVrf(device: FabricDevice, state: DeviceState, op: CreateVrf): DeviceResult {
  const existing = state.vrfs.find((vrf) => vrf.name === op.vrf);
  if (existing) {
    const differences = [
      existing.l3Vni !== op.l3Vni ? `L3 VNI ${existing.l3Vni}` : '',
      existing.rd !== op.rd ? `RD ${existing.rd}` : '',
      !sameList(existing.importRts, op.importRts)
        ? `import RTs ${existing.importRts.join(',')}`
        : '',
      !sameList(existing.exportRts, op.exportRts)
        ? `export RTs ${existing.exportRts.join(',')}`
        : '',
    ].filter(Boolean);
    if (differences.length === 0) return unchanged;
    return failed('conflict', `VRF ${op.vrf} already exists with ${differences.join(', ')}`);
  }
  const vniOwner =
    state.vrfs.find((vrf) => vrf.l3Vni === op.l3Vni)?.name ??
    (state.l2Vnis.some((l2) => l2.l2Vni === op.l3Vni) ? 'an L2 VNI' : undefined);
  if (vniOwner !== undefined)
    return failed('conflict', `VNI ${op.l3Vni} is already used by ${vniOwner}`);
  const rdOwner = state.vrfs.find((vrf) => vrf.rd === op.rd);
  if (rdOwner) return failed('conflict', `RD ${op.rd} is already used by VRF ${rdOwner.name}`);
  const { maxVrfs, maxL3Vnis } = device.capacity;
  if (state.vrfs.length >= maxVrfs) {
    return failed(
      'capacity',
      `capacity: ${device.name} already holds its maximum of ${maxVrfs} VRFs`,
    );
  }
  // Every VRF carries one L3 VNI, so the count of VRFs is the count of L3 VNIs.
  if (state.vrfs.length >= maxL3Vnis) {
    return failed(
      'capacity',
      `capacity: ${device.name} already holds its maximum of ${maxL3Vnis} L3 VNIs`,
    );
  }
  const vrf: VrfState = {
    name: op.vrf,
    l3Vni: op.l3Vni,
    rd: op.rd,
    importRts: op.importRts,
    exportRts: op.exportRts,
    bgpEvpn: false,
  };
  return changed({ ...state, vrfs: [...state.vrfs, vrf] });
}

function deleteVrf(state: DeviceState, name: string): DeviceResult {
  const existing = state.vrfs.find((vrf) => vrf.name === name);
  if (!existing) return unchanged;
  // No cascade: a VRF goes only when empty, so createVrf alone undoes deleteVrf exactly.
  const l2Vnis = state.l2Vnis.filter((l2) => l2.vrf === name).map((l2) => l2.l2Vni);
  if (l2Vnis.length > 0) {
    return failed('dependency', `VRF ${name} still has L2 VNIs bound: ${l2Vnis.join(', ')}`);
  }
  if (existing.bgpEvpn) return failed('dependency', `VRF ${name} still has BGP EVPN configured`);
  if (state.prefixes.some((entry) => entry.vrf === name)) {
    return failed('dependency', `VRF ${name} still announces prefixes`);
  }
  if (gatewayStateOf(state).transferLinks.some((link) => link.vrf === name)) {
    return failed('dependency', `VRF ${name} still has a transfer link`);
  }
  if (hasServiceLink(state, name)) {
    return failed('dependency', `VRF ${name} still has a service link`);
  }
  return changed({ ...state, vrfs: state.vrfs.filter((vrf) => vrf.name !== name) });
}

function setBgpEvpn(state: DeviceState, name: string, enabled: boolean): DeviceResult {
  const existing = state.vrfs.find((vrf) => vrf.name === name);
  if (!existing) {
    // Removing from a VRF that is gone leaves the wanted state: nothing to do.
    return enabled ? failed('not-found', `VRF ${name} does not exist`) : unchanged;
  }
  if (existing.bgpEvpn === enabled) return unchanged;
  if (!enabled) {
    const announced = state.prefixes
      .filter((entry) => entry.vrf === name)
      .map((entry) => entry.prefix);
    if (announced.length > 0) {
      return failed('dependency', `VRF ${name} still announces ${announced.join(', ')}`);
    }
    if (gatewayStateOf(state).defaultRoutes.some((route) => route.vrf === name)) {
      return failed('dependency', `VRF ${name} still announces its default route`);
    }
    const services = serviceRoutesOf(state, name);
    if (services.length > 0) {
      return failed('dependency', `VRF ${name} still announces ${services.join(', ')}`);
    }
  }
  return changed({
    ...state,
    vrfs: state.vrfs.map((vrf) => (vrf.name === name ? { ...vrf, bgpEvpn: enabled } : vrf)),
  });
}

function bindL2Vni(device: FabricDevice, state: DeviceState, op: BindL2Vni): DeviceResult {
  const modeConflict = interfaceModeConflict(state, op);
  if (modeConflict !== undefined) return failed('conflict', modeConflict);
  const existing = state.l2Vnis.find((l2) => l2.l2Vni === op.l2Vni);
  if (existing) {
    const differences = [
      existing.vrf !== op.vrf ? `VRF ${existing.vrf}` : '',
      existing.vlan !== op.vlan ? `VLAN ${existing.vlan}` : '',
      existing.anycastGateway !== op.anycastGateway ? `gateway ${existing.anycastGateway}` : '',
      existing.gatewayMac !== op.gatewayMac ? `gateway MAC ${existing.gatewayMac}` : '',
    ].filter(Boolean);
    if (differences.length > 0) {
      return failed(
        'conflict',
        `L2 VNI ${op.l2Vni} is already bound with ${differences.join(', ')}`,
      );
    }
    if (isBound(existing, op.interface, op.untagged)) return unchanged;
    return changed({
      ...state,
      l2Vnis: state.l2Vnis.map((l2) =>
        l2 === existing ? withInterface(l2, op.interface, op.untagged) : l2,
      ),
    });
  }
  if (!state.vrfs.some((vrf) => vrf.name === op.vrf)) {
    return failed('not-found', `VRF ${op.vrf} does not exist`);
  }
  const vlanOwner = state.l2Vnis.find((l2) => l2.vlan === op.vlan);
  if (vlanOwner) {
    return failed('conflict', `VLAN ${op.vlan} already carries L2 VNI ${vlanOwner.l2Vni}`);
  }
  const l3Owner = state.vrfs.find((vrf) => vrf.l3Vni === op.l2Vni);
  if (l3Owner) return failed('conflict', `VNI ${op.l2Vni} is the L3 VNI of VRF ${l3Owner.name}`);
  const { maxL2Vnis } = device.capacity;
  if (state.l2Vnis.length >= maxL2Vnis) {
    return failed(
      'capacity',
      `capacity: ${device.name} already holds its maximum of ${maxL2Vnis} L2 VNIs`,
    );
  }
  const l2: L2VniState = {
    l2Vni: op.l2Vni,
    vrf: op.vrf,
    vlan: op.vlan,
    anycastGateway: op.anycastGateway,
    gatewayMac: op.gatewayMac,
    interfaces: op.untagged ? [] : [op.interface],
    ...(op.untagged ? { untaggedInterfaces: [op.interface] } : {}),
  };
  return changed({ ...state, l2Vnis: [...state.l2Vnis, l2] });
}

function unbindL2Vni(state: DeviceState, op: UnbindL2Vni): DeviceResult {
  const existing = state.l2Vnis.find((l2) => l2.l2Vni === op.l2Vni);
  if (!existing) return unchanged;
  if (existing.vlan !== op.vlan) {
    return failed('conflict', `L2 VNI ${op.l2Vni} is on VLAN ${existing.vlan}, not ${op.vlan}`);
  }
  if (!isBound(existing, op.interface, op.untagged)) return unchanged;
  const shaped = shapedPortsOn(state, op.interface, op.vlan);
  if (shaped.length > 0) {
    return failed(
      'dependency',
      `${op.interface} on VLAN ${op.vlan} still shapes ${shaped.join(', ')}`,
    );
  }
  const remaining = withoutInterface(existing, op.interface, op.untagged);
  return changed({
    ...state,
    l2Vnis:
      remaining === undefined
        ? state.l2Vnis.filter((l2) => l2 !== existing)
        : state.l2Vnis.map((l2) => (l2 === existing ? remaining : l2)),
  });
}

function announcePrefix(state: DeviceState, op: AnnouncePrefix): DeviceResult {
  const vrf = state.vrfs.find((entry) => entry.name === op.vrf);
  if (!vrf) return failed('not-found', `VRF ${op.vrf} does not exist`);
  if (state.prefixes.some((entry) => entry.vrf === op.vrf && entry.prefix === op.prefix)) {
    return unchanged;
  }
  // Type-5 routes leave through the VRF's BGP EVPN instance; without it nothing is announced.
  if (!vrf.bgpEvpn)
    return failed('dependency', `VRF ${op.vrf} has no BGP EVPN to announce through`);
  return changed({ ...state, prefixes: [...state.prefixes, { vrf: op.vrf, prefix: op.prefix }] });
}

function withdrawPrefix(state: DeviceState, vrf: string, prefix: string): DeviceResult {
  const remaining = state.prefixes.filter((entry) => entry.vrf !== vrf || entry.prefix !== prefix);
  return remaining.length === state.prefixes.length
    ? unchanged
    : changed({ ...state, prefixes: remaining });
}

/**
 * One device's answer to one operation, the way a switch answers: pure, all or nothing. An
 * operation whose configuration is already in place succeeds without change, so retries are
 * safe; one that collides with different configuration fails and changes nothing.
 */
export function applyOperation(
  device: FabricDevice,
  state: DeviceState,
  operation: FabricOperation,
): DeviceResult {
  if (!carriesTenants(device.role)) {
    return failed(
      'unsupported',
      `${device.name} is a ${device.role} and holds no tenant configuration`,
    );
  }
  const problems = operationProblems(device, operation);
  if (problems.length > 0) return failed('invalid', problems.join('; '));
  switch (operation.kind) {
    case 'createVrf':
      return createVrf(device, state, operation);
    case 'deleteVrf':
      return deleteVrf(state, operation.vrf);
    case 'configureBgpEvpn':
      return setBgpEvpn(state, operation.vrf, true);
    case 'removeBgpEvpn':
      return setBgpEvpn(state, operation.vrf, false);
    case 'bindL2Vni':
      return bindL2Vni(device, state, operation);
    case 'unbindL2Vni':
      return unbindL2Vni(state, operation);
    case 'announcePrefix':
      return announcePrefix(state, operation);
    case 'withdrawPrefix':
      return withdrawPrefix(state, operation.vrf, operation.prefix);
    case 'addTransferLink':
    case 'removeTransferLink':
    case 'addDefaultRoute':
    case 'removeDefaultRoute':
    case 'addSnat':
    case 'removeSnat':
    case 'addDnat':
    case 'removeDnat':
    case 'announceUpstream':
    case 'withdrawUpstream': {
      const result = applyGatewayOperation(device, state, operation);
      return result.status === 'changed' ? changed(result.state) : result;
    }
    case 'shapePort':
    case 'unshapePort':
    case 'shapeFloatingIp':
    case 'unshapeFloatingIp': {
      const result = applyShapingOperation(state, operation);
      return result.status === 'changed' ? changed(result.state) : result;
    }
    case 'addServiceLink':
    case 'removeServiceLink':
    case 'addServiceRoute':
    case 'removeServiceRoute':
    case 'addServiceNat':
    case 'removeServiceNat': {
      const result = applyServiceOperation(device, state, operation);
      return result.status === 'changed' ? changed(result.state) : result;
    }
  }
}
