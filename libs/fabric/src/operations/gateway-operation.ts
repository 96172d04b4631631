/**
 * What Loom asks a gateway node (topology role `gateway`) to do for a VPC's external gateway and
 * its floating IPs. A gateway node holds the VPC's VRF (createVrf, configureBgpEvpn: the same
 * operations as a leaf) and, beside it, its own public routing table facing the upstream
 * routers. These operations connect the two and translate addresses between them. They are
 * device-neutral: the simulated fabric keeps them as state, the FRR lab as a veth pair, kernel
 * routes, nftables rules and FRR BGP. Addresses are IPv4; the public ones come from the external
 * network's pools, the transfer ones from the private transfer pool (172.16.0.0/16 by default).
 * Both gateway nodes of an external network get the same operations (HA: each holds every
 * VPC's NAT state and announces every public address it serves).
 */

/**
 * The transfer link between the VPC's VRF and the gateway's public table on this node: a
 * point-to-point /31, `vrfAddress` on the VRF's side, `gatewayAddress` on the gateway's side
 * (e.g. `172.16.0.0/31` and `172.16.0.1/31`). It is the route leak between the two: the VRF
 * reaches the outside through it, and the gateway routes the VPC's public addresses (its SNAT
 * address, its floating IPs) back through it after translation. Needs the VRF on the node.
 */
export interface AddTransferLink {
  readonly kind: 'addTransferLink';
  readonly vrf: string;
  /** Interface address with its prefix length, the VRF's end. */
  readonly vrfAddress: string;
  /** Interface address with its prefix length, the gateway's end (the VRF's next hop). */
  readonly gatewayAddress: string;
}

/** Only a link with nothing on it goes: no default route, no SNAT, no DNAT through it. */
export interface RemoveTransferLink {
  readonly kind: 'removeTransferLink';
  readonly vrf: string;
}

/**
 * The VRF's default route (0.0.0.0/0) through its transfer link to `nextHop` (the gateway end's
 * address, without prefix length), announced into the VPC as an EVPN type-5 route, so the leaves
 * send the VPC's outbound traffic to the gateway nodes (the active one: the standby prepends its
 * AS path). Needs the transfer link and the VRF's BGP EVPN.
 */
export interface AddDefaultRoute {
  readonly kind: 'addDefaultRoute';
  readonly vrf: string;
  readonly nextHop: string;
}

export interface RemoveDefaultRoute {
  readonly kind: 'removeDefaultRoute';
  readonly vrf: string;
}

/**
 * Source NAT for everything the VRF sends out through its transfer link: the source becomes
 * `publicAddress` (a host address, no prefix length). One per VRF. Needs the transfer link. The
 * rule matches the VRF's transfer link, not private source addresses, so tenants with identical
 * private CIDRs never mix.
 */
export interface AddSnat {
  readonly kind: 'addSnat';
  readonly vrf: string;
  readonly publicAddress: string;
}

export interface RemoveSnat {
  readonly kind: 'removeSnat';
  readonly vrf: string;
}

/**
 * 1:1 NAT both ways for a floating IP: traffic to `publicAddress` goes to `privateAddress` in
 * the VRF (destination NAT), and traffic from `privateAddress` in the VRF leaves from
 * `publicAddress` (taking precedence over the VRF's SNAT). A public address has one DNAT on a
 * node; a private address of a VRF has at most one. Needs the transfer link.
 */
export interface AddDnat {
  readonly kind: 'addDnat';
  readonly vrf: string;
  readonly publicAddress: string;
  readonly privateAddress: string;
}

export interface RemoveDnat {
  readonly kind: 'removeDnat';
  readonly vrf: string;
  readonly publicAddress: string;
}

/**
 * Announces `prefix` (a public `/32`: an SNAT address or a floating IP) from the gateway's
 * public table to the upstream BGP peers. Only an address the node translates (an SNAT or DNAT
 * rule holds it) may be announced, so an announcement never draws traffic into a black hole.
 */
export interface AnnounceUpstream {
  readonly kind: 'announceUpstream';
  readonly prefix: string;
}

export interface WithdrawUpstream {
  readonly kind: 'withdrawUpstream';
  readonly prefix: string;
}

export type GatewayOperation =
  | AddTransferLink
  | RemoveTransferLink
  | AddDefaultRoute
  | RemoveDefaultRoute
  | AddSnat
  | RemoveSnat
  | AddDnat
  | RemoveDnat
  | AnnounceUpstream
  | WithdrawUpstream;

export type GatewayOperationKind = GatewayOperation['kind'];

export const gatewayOperationKinds: readonly GatewayOperationKind[] = [
  'addTransferLink',
  'removeTransferLink',
  'addDefaultRoute',
  'removeDefaultRoute',
  'addSnat',
  'removeSnat',
  'addDnat',
  'removeDnat',
  'announceUpstream',
  'withdrawUpstream',
];

export function isGatewayOperation(operation: { readonly kind: string }): boolean {
  return (gatewayOperationKinds as readonly string[]).includes(operation.kind);
}
