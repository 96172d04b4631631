import type { DomainEvent } from '@loom/intents';

/** An upstream BGP peer of the gateway nodes: the router the public addresses are announced to. */
export interface UpstreamPeer {
  readonly address: string;
  readonly asn: number;
}

export type ExternalNetworkCreated = DomainEvent<
  'ExternalNetworkCreated',
  {
    externalNetworkId: string;
    displayName: string;
    /** Public CIDRs, routed: every address of a pool is usable (each is announced as a /32). */
    pools: readonly string[];
    /** The two (or more) gateway nodes of the fabric topology that serve it, all active. */
    gatewayNodes: readonly string[];
    upstreamPeers: readonly UpstreamPeer[];
    createdBy: string;
  }
>;
export type ExternalNetworkUpdated = DomainEvent<'ExternalNetworkUpdated', { displayName: string }>;
export type ExternalNetworkDeleted = DomainEvent<
  'ExternalNetworkDeleted',
  { externalNetworkId: string }
>;
/** A public address taken by `owner`: an external gateway's SNAT address or a floating IP. */
export type PublicAddressAllocated = DomainEvent<
  'PublicAddressAllocated',
  { address: string; owner: string }
>;
export type PublicAddressReleased = DomainEvent<
  'PublicAddressReleased',
  { address: string; owner: string }
>;

export type ExternalNetworkEvent =
  | ExternalNetworkCreated
  | ExternalNetworkUpdated
  | ExternalNetworkDeleted
  | PublicAddressAllocated
  | PublicAddressReleased;
