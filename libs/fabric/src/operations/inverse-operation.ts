import {
  gatewayStateOf,
  sameShapingLimit,
  shapingStateOf,
  type DeviceState,
} from '../state/fabric-state';
import { isBound } from '../state/access-interfaces';
import type { FabricOperation } from './fabric-operation';
import { inverseOfServiceOperation } from './service-inverse';
import type { GatewayOperation } from './gateway-operation';
import type { ShapingLimit, ShapingOperation } from './shaping-operation';

/**
 * The operation that undoes `operation` on a device whose state was `before`, for an operation
 * that succeeded there; undefined when `operation` found its configuration already in place (an
 * unchanged success has nothing to undo). Applying the inverse restores `before` exactly: that is
 * why deleteVrf refuses a VRF that is not empty instead of cascading.
 */
export function inverseOf(
  operation: FabricOperation,
  before: DeviceState,
): FabricOperation | undefined {
  switch (operation.kind) {
    case 'createVrf':
      return before.vrfs.some((vrf) => vrf.name === operation.vrf)
        ? undefined
        : { kind: 'deleteVrf', vrf: operation.vrf };
    case 'deleteVrf': {
      const vrf = before.vrfs.find((entry) => entry.name === operation.vrf);
      return vrf
        ? {
            kind: 'createVrf',
            vrf: vrf.name,
            l3Vni: vrf.l3Vni,
            rd: vrf.rd,
            importRts: vrf.importRts,
            exportRts: vrf.exportRts,
          }
        : undefined;
    }
    case 'configureBgpEvpn':
    case 'removeBgpEvpn': {
      const configure = operation.kind === 'configureBgpEvpn';
      const vrf = before.vrfs.find((entry) => entry.name === operation.vrf);
      if (!vrf || vrf.bgpEvpn === configure) return undefined;
      return { kind: configure ? 'removeBgpEvpn' : 'configureBgpEvpn', vrf: operation.vrf };
    }
    case 'bindL2Vni': {
      const l2 = before.l2Vnis.find((entry) => entry.l2Vni === operation.l2Vni);
      if (l2 && isBound(l2, operation.interface, operation.untagged)) return undefined;
      const { l2Vni, vlan } = operation;
      const untagged = operation.untagged ? { untagged: true } : {};
      return { kind: 'unbindL2Vni', l2Vni, vlan, interface: operation.interface, ...untagged };
    }
    case 'unbindL2Vni': {
      const l2 = before.l2Vnis.find((entry) => entry.l2Vni === operation.l2Vni);
      if (
        !l2 ||
        l2.vlan !== operation.vlan ||
        !isBound(l2, operation.interface, operation.untagged)
      ) {
        return undefined;
      }
      const { l2Vni, vrf, vlan, anycastGateway, gatewayMac } = l2;
      return {
        kind: 'bindL2Vni',
        l2Vni,
        vrf,
        vlan,
        interface: operation.interface,
        anycastGateway,
        gatewayMac,
        ...(operation.untagged ? { untagged: true } : {}),
      };
    }
    case 'announcePrefix':
    case 'withdrawPrefix': {
      const announce = operation.kind === 'announcePrefix';
      const present = before.prefixes.some(
        (entry) => entry.vrf === operation.vrf && entry.prefix === operation.prefix,
      );
      if (present === announce) return undefined;
      const { vrf, prefix } = operation;
      return { kind: announce ? 'withdrawPrefix' : 'announcePrefix', vrf, prefix };
    }
    case 'shapePort':
    case 'unshapePort':
    case 'shapeFloatingIp':
    case 'unshapeFloatingIp':
      return inverseOfShapingOperation(operation, before);
    case 'addServiceLink':
    case 'removeServiceLink':
    case 'addServiceRoute':
    case 'removeServiceRoute':
    case 'addServiceNat':
    case 'removeServiceNat':
      return inverseOfServiceOperation(operation, before);
    default:
      return inverseOfGatewayOperation(operation, before);
  }
}

/** What puts a target's shaping back as it was: its old limits, or none. */
function inverseOfShapingOperation(
  operation: ShapingOperation,
  before: DeviceState,
): FabricOperation | undefined {
  const shaping = shapingStateOf(before);
  const same = (a: ShapingLimit | null, b: ShapingLimit | null) => sameShapingLimit(a, b);
  if (operation.kind === 'shapePort' || operation.kind === 'unshapePort') {
    const { interface: iface, vlan, address } = operation;
    const old = shaping.ports.find(
      (entry) => entry.interface === iface && entry.vlan === vlan && entry.address === address,
    );
    if (operation.kind === 'unshapePort') return old && { kind: 'shapePort', ...old };
    if (old && same(old.ingress, operation.ingress) && same(old.egress, operation.egress)) {
      return undefined;
    }
    return old
      ? { kind: 'shapePort', ...old }
      : { kind: 'unshapePort', interface: iface, vlan, address };
  }
  const { vrf, publicAddress } = operation;
  const old = shaping.floatingIps.find(
    (entry) => entry.vrf === vrf && entry.publicAddress === publicAddress,
  );
  if (operation.kind === 'unshapeFloatingIp') return old && { kind: 'shapeFloatingIp', ...old };
  if (old && same(old.ingress, operation.ingress) && same(old.egress, operation.egress)) {
    return undefined;
  }
  return old
    ? { kind: 'shapeFloatingIp', ...old }
    : { kind: 'unshapeFloatingIp', vrf, publicAddress };
}

function inverseOfGatewayOperation(
  operation: GatewayOperation,
  before: DeviceState,
): FabricOperation | undefined {
  const gateway = gatewayStateOf(before);
  const { vrf } =
    operation.kind === 'announceUpstream' || operation.kind === 'withdrawUpstream'
      ? { vrf: '' }
      : operation;
  switch (operation.kind) {
    case 'addTransferLink':
      return gateway.transferLinks.some((link) => link.vrf === vrf)
        ? undefined
        : { kind: 'removeTransferLink', vrf };
    case 'removeTransferLink': {
      const link = gateway.transferLinks.find((entry) => entry.vrf === vrf);
      return link && { kind: 'addTransferLink', ...link };
    }
    case 'addDefaultRoute':
      return gateway.defaultRoutes.some((route) => route.vrf === vrf)
        ? undefined
        : { kind: 'removeDefaultRoute', vrf };
    case 'removeDefaultRoute': {
      const route = gateway.defaultRoutes.find((entry) => entry.vrf === vrf);
      return route && { kind: 'addDefaultRoute', ...route };
    }
    case 'addSnat':
      return gateway.snatRules.some((rule) => rule.vrf === vrf)
        ? undefined
        : { kind: 'removeSnat', vrf };
    case 'removeSnat': {
      const rule = gateway.snatRules.find((entry) => entry.vrf === vrf);
      return rule && { kind: 'addSnat', ...rule };
    }
    case 'addDnat':
      return gateway.dnatRules.some((rule) => rule.publicAddress === operation.publicAddress)
        ? undefined
        : { kind: 'removeDnat', vrf, publicAddress: operation.publicAddress };
    case 'removeDnat': {
      const rule = gateway.dnatRules.find(
        (entry) => entry.vrf === vrf && entry.publicAddress === operation.publicAddress,
      );
      return rule && { kind: 'addDnat', ...rule };
    }
    case 'announceUpstream':
    case 'withdrawUpstream': {
      const announce = operation.kind === 'announceUpstream';
      if (gateway.upstreamPrefixes.includes(operation.prefix) === announce) return undefined;
      return { kind: announce ? 'withdrawUpstream' : 'announceUpstream', prefix: operation.prefix };
    }
  }
}
