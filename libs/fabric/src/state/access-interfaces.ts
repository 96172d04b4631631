import type { BindL2Vni } from '../operations/fabric-operation';
import type { DeviceState, L2VniState } from './fabric-state';

/**
 * Trunk and access interfaces. A hypervisor's interface is a trunk: one tagged VLAN per subnet of
 * its VMs. A bare-metal server's is an access port: one VLAN, untagged, and nothing else, so an
 * interface is one or the other, and an access port belongs to one L2 VNI.
 */
export function untaggedInterfacesOf(l2: L2VniState): readonly string[] {
  return l2.untaggedInterfaces ?? [];
}

/** Why the device refuses to put `op.interface` in `op`'s mode, or undefined when it may. */
export function interfaceModeConflict(state: DeviceState, op: BindL2Vni): string | undefined {
  const name = op.interface;
  const access = state.l2Vnis.find((l2) => untaggedInterfacesOf(l2).includes(name));
  if (!op.untagged) {
    return access
      ? `${name} is the access port of VLAN ${access.vlan} (L2 VNI ${access.l2Vni}); it carries no tagged VLANs`
      : undefined;
  }
  const tagged = state.l2Vnis.filter((l2) => l2.interfaces.includes(name)).map((l2) => l2.vlan);
  if (tagged.length > 0) {
    return `${name} is a trunk carrying VLAN ${tagged.join(', ')}; an access port carries nothing else`;
  }
  if (access && access.l2Vni !== op.l2Vni) {
    return `${name} is already the access port of VLAN ${access.vlan} (L2 VNI ${access.l2Vni})`;
  }
  return undefined;
}

/** Whether `name` is bound to `l2` in that mode. */
export function isBound(l2: L2VniState, name: string, untagged: boolean | undefined): boolean {
  return (untagged ? untaggedInterfacesOf(l2) : l2.interfaces).includes(name);
}

/** `l2` with `name` added in that mode. */
export function withInterface(
  l2: L2VniState,
  name: string,
  untagged: boolean | undefined,
): L2VniState {
  return untagged
    ? { ...l2, untaggedInterfaces: [...untaggedInterfacesOf(l2), name] }
    : { ...l2, interfaces: [...l2.interfaces, name] };
}

/** `l2` without `name` in that mode; undefined when that was its last interface of either mode. */
export function withoutInterface(
  l2: L2VniState,
  name: string,
  untagged: boolean | undefined,
): L2VniState | undefined {
  const interfaces = untagged ? l2.interfaces : l2.interfaces.filter((other) => other !== name);
  const untaggedInterfaces = untaggedInterfacesOf(l2).filter(
    (other) => !untagged || other !== name,
  );
  if (interfaces.length === 0 && untaggedInterfaces.length === 0) return undefined;
  const { untaggedInterfaces: _old, ...rest } = l2;
  return {
    ...rest,
    interfaces,
    ...(untaggedInterfaces.length > 0 ? { untaggedInterfaces } : {}),
  };
}
