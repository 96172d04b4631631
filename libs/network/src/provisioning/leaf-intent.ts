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

/** Other ports of the subnet behind the same switch interface (VMs on one hypervisor trunk). */
export function otherPortsOfSubnetOnInterface(
  state: LeafVlansState,
  subnetName: string,
  switchInterface: string,
  port: string,
): string[] {
  return [...state.vlans.values()]
    .filter((use) => use.subnet === subnetName)
    .flatMap((use) => [...use.ports.entries()])
    .filter(([other, placement]) => other !== port && placement.interface === switchInterface)
    .map(([other]) => other);
}
