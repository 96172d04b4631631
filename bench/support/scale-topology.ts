import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultTopology } from '../../libs/fabric/src/topology/default-topology';
import type { FabricDevice, FabricTopology } from '../../libs/fabric/src/topology/topology';

/**
 * Ports a leaf serves in the scale cloud: 48 hypervisors of about 50 VMs, a rack. A cloud of
 * 100,000 ports on the default 4 leaves put 1,250 VPCs on every leaf, past a switch's 512 L3
 * VNIs (the first 100,000-port run: every VPC after the 512th failed on its leaves with
 * `capacity`), so the scale cloud grows its fabric with it, as a real one does.
 */
export const portsPerLeaf = 2_500;

/** Leaves for a cloud of `ports` ports: at least the default fabric's 4. */
export function leavesFor(ports: number): number {
  return Math.max(4, Math.ceil(ports / portsPerLeaf));
}

/**
 * The default fabric with `leaves` leaves: leaf1-leaf4 as they are, leaf5 on with loopbacks in
 * 10.254.1.0/24 and ASNs 65105 on (below the border leaves' 65201: at most 99 leaves).
 */
export function scaleTopology(leaves: number): FabricTopology {
  if (leaves > 99) throw new Error(`the scale topology has at most 99 leaves, not ${leaves}`);
  const defaultLeaves = defaultTopology.devices.filter((device) => device.role === 'leaf');
  const template = defaultLeaves[0];
  if (template === undefined) throw new Error('the default topology has no leaf');
  const extra: FabricDevice[] = Array.from(
    { length: Math.max(0, leaves - defaultLeaves.length) },
    (_, index) => {
      const number = defaultLeaves.length + index + 1;
      return {
        ...template,
        name: `leaf${number}`,
        loopback: `10.254.1.${number}`,
        asn: 65100 + number,
      };
    },
  );
  return { devices: [...defaultTopology.devices, ...extra] };
}

/** Writes the topology as JSON into `dir` for LOOM_FABRIC_TOPOLOGY; returns its path. */
export async function writeScaleTopology(dir: string, leaves: number): Promise<string> {
  const path = join(dir, 'scale-topology.json');
  await writeFile(path, JSON.stringify(scaleTopology(leaves), null, 2));
  return path;
}
