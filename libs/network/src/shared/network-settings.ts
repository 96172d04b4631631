import type { VniRange } from '../pools/vni-pool.decider';
import { blockSize, parseCidr } from './ipv4';

/** Fabric-wide numbers the network features allocate from. */
export interface NetworkSettings {
  readonly l3VniRange: VniRange;
  readonly l2VniRange: VniRange;
  /** The fabric's BGP ASN, used in route distinguishers and route targets. */
  readonly asn: number;
  /** Where external gateways' transfer /31s come from (LOOM_TRANSFER_POOL); default 172.16.0.0/16. */
  readonly transferPool?: string;
  /** Where service IPs' /31s come from (LOOM_SERVICE_POOL); default 100.64.0.0/16. */
  readonly servicePool?: string;
}

export const defaultTransferPool = '172.16.0.0/16';

/**
 * Where service IPs' /31s come from (LOOM_SERVICE_POOL): the VPCs' addresses on the management
 * network, which routes the pool to the service node (docs/service-ips.md).
 */
export const defaultServicePool = '100.64.0.0/16';

export const defaultNetworkSettings: NetworkSettings = {
  l3VniRange: { first: 50_000, last: 59_999 },
  l2VniRange: { first: 100_000, last: 199_999 },
  asn: 65_000,
};

/** Private ranges a transfer pool may come from: RFC 1918 and the shared address space. */
const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/**
 * Why `text` cannot be the transfer pool (LOOM_TRANSFER_POOL), or undefined when it can: an
 * aligned IPv4 block inside a private range, large enough for two /31s (a /30 or larger).
 * Gateways already holding a /31 keep it when the pool changes; new ones take from the new pool.
 */
export function transferPoolProblem(text: string): string | undefined {
  const pool = parseCidr(text);
  if ('error' in pool) return pool.error;
  if (pool.prefixLength > 30) return 'must hold at least two /31s (a /30 or larger)';
  const inside = privateRanges.some((range) => {
    const outer = parseCidr(range);
    return (
      !('error' in outer) &&
      pool.prefixLength >= outer.prefixLength &&
      pool.network - (pool.network % blockSize(outer.prefixLength)) === outer.network
    );
  });
  return inside
    ? undefined
    : 'must be a private block (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)';
}
