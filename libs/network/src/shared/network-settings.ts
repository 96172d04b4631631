import type { VniRange } from '../pools/vni-pool.decider';

/** Fabric-wide numbers the network features allocate from. */
export interface NetworkSettings {
  readonly l3VniRange: VniRange;
  readonly l2VniRange: VniRange;
  /** The fabric's BGP ASN, used in route distinguishers and route targets. */
  readonly asn: number;
  /** Where external gateways' transfer /31s come from (LOOM_TRANSFER_POOL); default 172.16.0.0/16. */
  readonly transferPool?: string;
}

export const defaultTransferPool = '172.16.0.0/16';

export const defaultNetworkSettings: NetworkSettings = {
  l3VniRange: { first: 50_000, last: 59_999 },
  l2VniRange: { first: 100_000, last: 199_999 },
  asn: 65_000,
};
