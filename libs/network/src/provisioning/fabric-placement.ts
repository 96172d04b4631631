import type { FieldViolation } from '@loom/errors';
import { carriesTenants, findDevice, type FabricTopology } from '@loom/fabric';

/**
 * Violations for a port binding on a switch that does not carry tenants (only leaves and border
 * leaves do), or on an interface the switch does not have.
 */
export function checkPlacement(
  topology: FabricTopology,
  leaf: string,
  switchInterface: string,
): FieldViolation[] {
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
}

/** Sagas on one leaf run one after another: their "is this still needed there" checks hold. */
export const leafResourceKey = (leaf: string): string => `leaf/${leaf}`;
