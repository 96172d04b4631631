import type { ShapingLimit, ShapingOperation } from '../operations/shaping-operation';
import type { FailureReason } from '../operations/operation-outcome';
import { untaggedInterfacesOf } from './access-interfaces';
import {
  gatewayStateOf,
  sameShapingLimit,
  shapingStateOf,
  type DeviceState,
  type ShapingState,
} from './fabric-state';

/** A device's answer to a shaping operation; the same shape as device-model's. */
export type ShapingResult =
  | { readonly status: 'changed'; readonly state: DeviceState }
  | { readonly status: 'unchanged' }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly message: string };

const unchanged: ShapingResult = { status: 'unchanged' };

function failed(reason: FailureReason, message: string): ShapingResult {
  return { status: 'failed', reason, message };
}

function withShaping(state: DeviceState, shaping: Partial<ShapingState>): ShapingResult {
  return {
    status: 'changed',
    state: { ...state, shaping: { ...shapingStateOf(state), ...shaping } },
  };
}

const sameLimits = (
  a: { ingress: ShapingLimit | null; egress: ShapingLimit | null },
  b: { ingress: ShapingLimit | null; egress: ShapingLimit | null },
): boolean => sameShapingLimit(a.ingress, b.ingress) && sameShapingLimit(a.egress, b.egress);

/** The port shapings on `iface` and `vlan`: what unbinding the interface from the VLAN would cut. */
export function shapedPortsOn(state: DeviceState, iface: string, vlan: number): string[] {
  return shapingStateOf(state)
    .ports.filter((port) => port.interface === iface && port.vlan === vlan)
    .map((port) => port.address);
}

/** Whether the floating IP `publicAddress` of `vrf` is shaped here (its DNAT cannot go first). */
export function isFloatingIpShaped(
  state: DeviceState,
  vrf: string,
  publicAddress: string,
): boolean {
  return shapingStateOf(state).floatingIps.some(
    (entry) => entry.vrf === vrf && entry.publicAddress === publicAddress,
  );
}

/**
 * A device's answer to a shaping operation: pure, all or nothing, an ensure. Shaping a target
 * replaces its limits (the same limits again are unchanged); removing an absent one is a no-op.
 * A port's shaping needs its interface in the VLAN's L2 VNI and a floating IP's its DNAT rule,
 * and neither of those goes while shaped (device-model, gateway-model), so every inverse is exact.
 */
export function applyShapingOperation(
  state: DeviceState,
  operation: ShapingOperation,
): ShapingResult {
  const shaping = shapingStateOf(state);
  switch (operation.kind) {
    case 'shapePort': {
      const { interface: iface, vlan, address, ingress, egress } = operation;
      // A VM's trunk VLAN or a bare-metal server's access port (untagged): either is the port's.
      const bound = state.l2Vnis.some(
        (l2) =>
          l2.vlan === vlan &&
          (l2.interfaces.includes(iface) || untaggedInterfacesOf(l2).includes(iface)),
      );
      if (!bound) return failed('dependency', `${iface} is not bound to VLAN ${vlan}`);
      const same = (entry: { interface: string; vlan: number; address: string }) =>
        entry.interface === iface && entry.vlan === vlan && entry.address === address;
      const existing = shaping.ports.find(same);
      if (existing && sameLimits(existing, operation)) return unchanged;
      return withShaping(state, {
        ports: [
          ...shaping.ports.filter((entry) => !same(entry)),
          { interface: iface, vlan, address, ingress, egress },
        ],
      });
    }
    case 'unshapePort': {
      const { interface: iface, vlan, address } = operation;
      const ports = shaping.ports.filter(
        (entry) => entry.interface !== iface || entry.vlan !== vlan || entry.address !== address,
      );
      return ports.length === shaping.ports.length ? unchanged : withShaping(state, { ports });
    }
    case 'shapeFloatingIp': {
      const { vrf, publicAddress, ingress, egress } = operation;
      const translated = gatewayStateOf(state).dnatRules.some(
        (rule) => rule.vrf === vrf && rule.publicAddress === publicAddress,
      );
      if (!translated) {
        return failed('dependency', `no DNAT rule of VRF ${vrf} holds ${publicAddress}`);
      }
      const existing = shaping.floatingIps.find((entry) => entry.publicAddress === publicAddress);
      if (existing && existing.vrf === vrf && sameLimits(existing, operation)) return unchanged;
      return withShaping(state, {
        floatingIps: [
          ...shaping.floatingIps.filter((entry) => entry.publicAddress !== publicAddress),
          { vrf, publicAddress, ingress, egress },
        ],
      });
    }
    case 'unshapeFloatingIp': {
      const floatingIps = shaping.floatingIps.filter(
        (entry) => entry.vrf !== operation.vrf || entry.publicAddress !== operation.publicAddress,
      );
      return floatingIps.length === shaping.floatingIps.length
        ? unchanged
        : withShaping(state, { floatingIps });
    }
  }
}
