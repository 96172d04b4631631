import type { FieldViolation } from '@loom/errors';
import type { FabricTopology } from '@loom/fabric';
import { overlaps, parseCidr, parseIpv4, type Cidr } from '../shared/ipv4';
import type { UpstreamPeer } from './external-network.events';

/** Public pools: well-formed CIDRs (/16 to /32) that do not overlap, at least one. */
export function checkPools(field: string, pools: readonly string[]): FieldViolation[] {
  if (pools.length === 0) return [{ field, description: 'must name at least one public CIDR' }];
  const parsed: Cidr[] = [];
  const violations: FieldViolation[] = [];
  pools.forEach((text, index) => {
    const cidr = parseCidr(text);
    if ('error' in cidr) {
      violations.push({ field: `${field}[${index}]`, description: `${text} ${cidr.error}` });
    } else if (cidr.prefixLength < 16) {
      violations.push({ field: `${field}[${index}]`, description: 'must be /16 or longer' });
    } else if (parsed.some((other) => overlaps(other, cidr))) {
      violations.push({
        field: `${field}[${index}]`,
        description: `${text} overlaps another pool`,
      });
    } else parsed.push(cidr);
  });
  return violations;
}

/** Gateway nodes: devices of the topology with role gateway, no repeats, at least one. */
export function checkGatewayNodes(
  field: string,
  nodes: readonly string[],
  topology: FabricTopology | undefined,
): FieldViolation[] {
  if (nodes.length === 0) return [{ field, description: 'must name at least one gateway node' }];
  return nodes.flatMap((node, index) => {
    const device = topology?.devices.find((entry) => entry.name === node);
    if (topology && device?.role !== 'gateway') {
      return [
        { field: `${field}[${index}]`, description: `${node} is not a gateway node of the fabric` },
      ];
    }
    return nodes.indexOf(node) === index
      ? []
      : [{ field: `${field}[${index}]`, description: `${node} is named twice` }];
  });
}

export function checkUpstreamPeers(
  field: string,
  peers: readonly UpstreamPeer[],
): FieldViolation[] {
  return peers.flatMap((peer, index) => [
    ...(parseIpv4(peer.address) === undefined
      ? [{ field: `${field}[${index}].address`, description: 'must be an IPv4 address' }]
      : []),
    ...(Number.isInteger(peer.asn) && peer.asn >= 1 && peer.asn <= 4_294_967_295
      ? []
      : [{ field: `${field}[${index}].asn`, description: 'must be an ASN from 1 to 4294967295' }]),
  ]);
}

/** An address field: empty, or a dotted quad. */
export function checkAddress(field: string, address: string): FieldViolation[] {
  return address === '' || parseIpv4(address) !== undefined
    ? []
    : [{ field, description: `${address} is not an IPv4 address` }];
}
