/**
 * What Loom asks a service node (a border leaf: topology role `border-leaf`) to do for a VPC's
 * service IP: access from the VPC to chosen prefixes of the management network, which sits
 * behind the node's own routing table. The node holds the VPC's VRF (createVrf,
 * configureBgpEvpn, as a leaf) and these connect it to the management side. Device-neutral: the
 * simulated fabric keeps them as state, the FRR lab as a veth pair, kernel routes, nftables rules
 * and FRR BGP (docs/service-ips.md).
 */

/**
 * The VPC's service link: a point-to-point /31 from the service pool between the VRF and the
 * node's management table, `vrfAddress` on the VRF's side (the VPC's address on the management
 * network, which its traffic is translated to) and `nodeAddress` on the node's.
 */
export interface AddServiceLink {
  readonly kind: 'addServiceLink';
  readonly vrf: string;
  /** Interface address with its prefix length, e.g. `100.64.0.1/31`. */
  readonly vrfAddress: string;
  /** Interface address with its prefix length, e.g. `100.64.0.0/31`: the VRF's next hop. */
  readonly nodeAddress: string;
}

/** Only a link with nothing on it goes: no service route, no translation through it. */
export interface RemoveServiceLink {
  readonly kind: 'removeServiceLink';
  readonly vrf: string;
}

/**
 * A route leak limited to one management prefix: `prefix` in the VRF via the link's node end,
 * announced into the VPC as an EVPN type-5 route. Needs the link and the VRF's BGP EVPN.
 */
export interface AddServiceRoute {
  readonly kind: 'addServiceRoute';
  readonly vrf: string;
  readonly prefix: string;
}

export interface RemoveServiceRoute {
  readonly kind: 'removeServiceRoute';
  readonly vrf: string;
  readonly prefix: string;
}

/**
 * Translation on the link: what the VRF sends through it leaves from `address` (the link's VRF
 * end), and nothing the management side sends opens a connection into the VRF. Needs the link.
 */
export interface AddServiceNat {
  readonly kind: 'addServiceNat';
  readonly vrf: string;
  readonly address: string;
}

export interface RemoveServiceNat {
  readonly kind: 'removeServiceNat';
  readonly vrf: string;
}

export type ServiceOperation =
  | AddServiceLink
  | RemoveServiceLink
  | AddServiceRoute
  | RemoveServiceRoute
  | AddServiceNat
  | RemoveServiceNat;

export const serviceOperationKinds: readonly ServiceOperation['kind'][] = [
  'addServiceLink',
  'removeServiceLink',
  'addServiceRoute',
  'removeServiceRoute',
  'addServiceNat',
  'removeServiceNat',
];

export function isServiceOperation(operation: {
  readonly kind: string;
}): operation is ServiceOperation {
  return (serviceOperationKinds as readonly string[]).includes(operation.kind);
}
