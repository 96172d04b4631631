import { carriesTenants, findDevice, type FabricTopology } from '@loom/fabric';
import type { FabricPlacement } from '@loom/network';

/** Ports may be bound to the interfaces of switches that carry tenants (leaves, border leaves). */
export function topologyPlacement(topology: FabricTopology): FabricPlacement {
  return {
    check(leaf, switchInterface) {
      const device = findDevice(topology, leaf);
      if (!device || !carriesTenants(device.role)) {
        return [
          {
            field: 'port.binding.leaf_switch',
            description: `${leaf} is not a leaf switch of the fabric`,
          },
        ];
      }
      if (!device.interfaces.includes(switchInterface)) {
        return [
          {
            field: 'port.binding.interface',
            description: `${leaf} has no interface ${switchInterface}`,
          },
        ];
      }
      return [];
    },
  };
}
