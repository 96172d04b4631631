import type { LeafVlansState } from '../pools/leaf-vlans.decider';

/**
 * What the intent still needs on a leaf besides one port: decides whether undoing a step (or
 * deprovisioning) may remove shared configuration. Sagas on one leaf run one after another, so
 * the answer cannot change under a running step.
 */
export function otherPortsOfVpcOnLeaf(
  state: LeafVlansState,
  vpcName: string,
  port: string,
): string[] {
  const prefix = `${vpcName}/subnets/`;
  return [...state.vlans.values()]
    .filter((use) => use.subnet.startsWith(prefix))
    .flatMap((use) => [...use.ports.keys()])
    .filter((other) => other !== port);
}

/**
 * Other ports of the subnet behind the same switch interface on the same VLAN (VMs on one
 * hypervisor trunk): they share the port's binding. A port of the subnet that came after its VLAN
 * was released may have another VLAN; it does not keep the old binding, which must go.
 */
export function otherPortsOfSubnetOnInterface(
  state: LeafVlansState,
  binding: { readonly subnet: string; readonly interface: string; readonly vlan: number },
  port: string,
): string[] {
  const use = state.vlans.get(binding.vlan);
  if (use?.subnet !== binding.subnet) return [];
  return [...use.ports.entries()]
    .filter(([other, placement]) => other !== port && placement.interface === binding.interface)
    .map(([other]) => other);
}
