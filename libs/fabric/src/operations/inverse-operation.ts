import type { DeviceState } from '../state/fabric-state';
import type { FabricOperation } from './fabric-operation';

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
      if (l2?.interfaces.includes(operation.interface)) return undefined;
      const { l2Vni, vlan } = operation;
      return { kind: 'unbindL2Vni', l2Vni, vlan, interface: operation.interface };
    }
    case 'unbindL2Vni': {
      const l2 = before.l2Vnis.find((entry) => entry.l2Vni === operation.l2Vni);
      if (!l2 || l2.vlan !== operation.vlan || !l2.interfaces.includes(operation.interface)) {
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
  }
}
