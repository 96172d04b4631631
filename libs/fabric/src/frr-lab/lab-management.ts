// The lab's management network: a namespace holding the management host (the cloud's DNS, NTP,
// metadata or package mirror) on a bridge, and every border leaf cabled to that bridge. Service
// IPs reach it through the border leaves (docs/service-ips.md). Its addresses exist only inside
// the lab's namespaces.
import type { LabManifest } from './lab-layout';
import { inNamespace, ip } from './run-command';

/** A border leaf's uplink to the management network (`mgmt`, an address of the network). */
export interface LabManagementUplink {
  readonly interface: string;
  /** With its prefix length, e.g. `10.0.200.1/24`. */
  readonly address: string;
}

export interface LabManagementNetwork {
  readonly namespace: string;
  /** The bridge in the namespace the border leaves' cables and the host's address are on. */
  readonly bridge: string;
  /** The management host's address, with its length, e.g. `10.0.200.10/24`. */
  readonly hostAddress: string;
  /**
   * The host's default route: the first border leaf, the one the management network routes the
   * service pool to.
   */
  readonly gateway: string;
}

/**
 * 10.0.200.0/24, on purpose inside the 10.0.0.0/16 tenants of the tests use: a tenant CIDR may
 * overlap the management network (a service route is a more specific route in the VPC's VRF).
 */
const network = '10.0.200';
const maxBorderLeaves = 8;

export function planManagement(
  leaves: readonly { name: string; role: string }[],
  prefix: string,
): { network: LabManagementNetwork; uplinks: Map<string, LabManagementUplink> } | undefined {
  const borders = leaves.filter((leaf) => leaf.role === 'border-leaf');
  if (borders.length === 0) return undefined;
  if (borders.length > maxBorderLeaves)
    throw new Error(`a lab holds at most ${maxBorderLeaves} border leaves`);
  const uplinks = new Map(
    borders.map((border, index) => [
      border.name,
      { interface: 'mgmt', address: `${network}.${index + 1}/24` },
    ]),
  );
  return {
    network: {
      namespace: `${prefix}mgmt`,
      bridge: 'mgmt',
      hostAddress: `${network}.10/24`,
      gateway: `${network}.1`,
    },
    uplinks,
  };
}

/** The management namespace and bridge, and each border leaf's cable to it. */
export async function addManagement(manifest: LabManifest): Promise<void> {
  const management = manifest.management;
  if (!management) return;
  const ns = management.namespace;
  await ip(undefined, 'netns', 'add', ns);
  await ip(ns, 'link', 'set', 'lo', 'up');
  await ip(ns, 'link', 'add', management.bridge, 'type', 'bridge');
  await ip(ns, 'addr', 'add', management.hostAddress, 'dev', management.bridge);
  await ip(ns, 'link', 'set', management.bridge, 'up');
  let index = 0;
  for (const device of manifest.devices) {
    const uplink = device.management;
    if (!uplink) continue;
    index += 1;
    const port = `bl${index}`;
    await ip(
      ns,
      'link',
      'add',
      port,
      'type',
      'veth',
      'peer',
      'name',
      uplink.interface,
      'netns',
      device.namespace,
    );
    await ip(ns, 'link', 'set', port, 'master', management.bridge, 'up');
    await ip(device.namespace, 'addr', 'add', uplink.address, 'dev', uplink.interface);
    await ip(device.namespace, 'link', 'set', uplink.interface, 'up');
  }
  await ip(ns, 'route', 'add', 'default', 'via', management.gateway);
  await inNamespace(ns, 'sysctl', '-q', '-w', 'net.ipv4.conf.all.rp_filter=0');
}
