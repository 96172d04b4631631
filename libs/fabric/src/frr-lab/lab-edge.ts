// The lab's edge: an upstream ("internet") router that every gateway node peers with, and an
// external host behind it. Public addresses come from the documentation ranges only
// (198.51.100.0/24, 203.0.113.0/24), and only ever inside the lab's namespaces.
import { join } from 'node:path';
import type { LabLink, LabRouter } from './lab-layout';

/** What a gateway node has beside a leaf's underlay: its uplink, and whether it stands by. */
export interface LabGatewayNode {
  /** `uplink` on the node, a /31 of 198.51.100.240/28, eBGP with BFD to the upstream. */
  readonly uplink: LabLink;
  /**
   * The first gateway node of the topology is the active one; the others stand by: they prepend
   * their AS to what they announce upstream and to the default route they give the VPCs, so both
   * directions of a flow go through one node (NAT state is per node) until it fails.
   */
  readonly standby: boolean;
}

/** A host on the "internet" side: a namespace with one address, its default via the upstream. */
export interface LabExternalHost {
  readonly namespace: string;
  /** With its prefix length, e.g. `203.0.113.230/28`. */
  readonly address: string;
  readonly gateway: string;
  /** Its interface, and the upstream's towards it. */
  readonly interface: string;
  readonly upstreamInterface: string;
  readonly upstreamAddress: string;
}

export const upstreamAsn = 64500;
const upstreamLoopback = '203.0.113.254';
const maxGateways = 8;

/** The upstream router, the external host and each gateway node's uplink; none without gateways. */
export function planEdge(
  leaves: readonly { name: string; asn: number; role: string }[],
  labDir: string,
  prefix: string,
):
  | {
      upstream: LabRouter;
      externalHost: LabExternalHost;
      gateways: Map<string, LabGatewayNode>;
    }
  | undefined {
  const gatewayNodes = leaves.filter((leaf) => leaf.role === 'gateway');
  if (gatewayNodes.length === 0) return undefined;
  if (gatewayNodes.length > maxGateways)
    throw new Error(`a lab holds at most ${maxGateways} gateway nodes`);
  for (const reserved of ['upstream', 'external']) {
    if (leaves.some((leaf) => leaf.name === reserved))
      throw new Error(`a lab with gateway nodes cannot have a device named ${reserved}`);
  }
  const gateways = new Map<string, LabGatewayNode>();
  const upstreamLinks: LabLink[] = [];
  gatewayNodes.forEach((node, index) => {
    const upstreamAddress = `198.51.100.${240 + 2 * index}`;
    const nodeAddress = `198.51.100.${241 + 2 * index}`;
    gateways.set(node.name, {
      uplink: {
        name: 'uplink',
        address: `${nodeAddress}/31`,
        peerName: 'upstream',
        peerAddress: upstreamAddress,
        peerAsn: upstreamAsn,
        bfd: true,
      },
      standby: index > 0,
    });
    upstreamLinks.push({
      name: `gw${index + 1}`,
      address: `${upstreamAddress}/31`,
      peerName: node.name,
      peerAddress: nodeAddress,
      peerAsn: node.asn,
      bfd: true,
    });
  });
  return {
    upstream: {
      name: 'upstream',
      role: 'upstream',
      asn: upstreamAsn,
      loopback: upstreamLoopback,
      namespace: `${prefix}upstream`,
      frrDir: join(labDir, 'upstream'),
      links: upstreamLinks,
      daemons: ['zebra', 'bfdd', 'bgpd'],
    },
    externalHost: {
      namespace: `${prefix}external`,
      // Out of the way of the pools tests take public addresses from (the low ends of both ranges).
      address: '203.0.113.230/28',
      gateway: '203.0.113.225',
      interface: 'eth0',
      upstreamInterface: 'host',
      upstreamAddress: '203.0.113.225/28',
    },
    gateways,
  };
}
