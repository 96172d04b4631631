import { defaultCapacity, type FabricDevice, type FabricTopology } from './topology';

function interfaces(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `swp${index + 1}`);
}

function device(
  name: string,
  role: FabricDevice['role'],
  loopback: string,
  asn: number,
  interfaceCount: number,
): FabricDevice {
  return {
    name,
    role,
    loopback,
    asn,
    interfaces: interfaces(interfaceCount),
    capacity: defaultCapacity,
  };
}

/**
 * The fabric used when none is configured: an eBGP leaf-spine pod (spines share an ASN, every
 * leaf has its own) with four 48-port leaves, a pair of border leaves facing the outside, and a
 * pair of gateway nodes (`gw1`, `gw2`) that serve the default external network: they hold VPC
 * VRFs, transfer links, NAT and upstream announcements (docs/external-network.md).
 * Loopbacks follow the domain primer's example RD `10.254.0.1:2` for leaf1.
 */
export const defaultTopology: FabricTopology = {
  devices: [
    device('spine1', 'spine', '10.254.0.101', 65100, 32),
    device('spine2', 'spine', '10.254.0.102', 65100, 32),
    device('leaf1', 'leaf', '10.254.0.1', 65101, 48),
    device('leaf2', 'leaf', '10.254.0.2', 65102, 48),
    device('leaf3', 'leaf', '10.254.0.3', 65103, 48),
    device('leaf4', 'leaf', '10.254.0.4', 65104, 48),
    device('border1', 'border-leaf', '10.254.0.11', 65201, 8),
    device('border2', 'border-leaf', '10.254.0.12', 65202, 8),
    device('gw1', 'gateway', '10.254.0.21', 65301, 4),
    device('gw2', 'gateway', '10.254.0.22', 65302, 4),
  ],
};
