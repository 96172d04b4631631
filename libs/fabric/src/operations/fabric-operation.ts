import type { GatewayOperation } from './gateway-operation';
import { gatewayOperationKinds } from './gateway-operation';
import type { ServiceOperation } from './service-operation';
import { serviceOperationKinds } from './service-operation';
import type { ShapingOperation } from './shaping-operation';
import { shapingOperationKinds } from './shaping-operation';

/**
 * What Loom asks a device to do. Each operation is a whole unit of configuration the device
 * applies or refuses atomically, and each has an inverse (see inverse-operation.ts) so that a
 * saga can compensate any step.
 */

/** A tenant VRF with its L3 VNI (symmetric IRB) and BGP EVPN identity. */
export interface CreateVrf {
  readonly kind: 'createVrf';
  readonly vrf: string;
  readonly l3Vni: number;
  /** Route distinguisher, e.g. `10.254.0.1:2`. */
  readonly rd: string;
  /** Route targets, e.g. `65000:50042`; order does not matter, the device keeps them sorted. */
  readonly importRts: readonly string[];
  readonly exportRts: readonly string[];
}

/** Only an empty VRF can go: no L2 VNIs, BGP EVPN removed, no prefixes announced. */
export interface DeleteVrf {
  readonly kind: 'deleteVrf';
  readonly vrf: string;
}

/** Turns on the VRF's BGP EVPN instance (type-5 routes, `advertise ipv4 unicast`). */
export interface ConfigureBgpEvpn {
  readonly kind: 'configureBgpEvpn';
  readonly vrf: string;
}

export interface RemoveBgpEvpn {
  readonly kind: 'removeBgpEvpn';
  readonly vrf: string;
}

/** Puts `interface` in `vlan`, the VLAN of L2 VNI `l2Vni`, with the subnet's anycast gateway. */
export interface BindL2Vni {
  readonly kind: 'bindL2Vni';
  readonly l2Vni: number;
  readonly vrf: string;
  readonly vlan: number;
  readonly interface: string;
  /** The gateway address with the subnet's prefix length, e.g. `10.0.1.1/24`. */
  readonly anycastGateway: string;
  /** Lowercase colon form, e.g. `00:00:5e:00:01:01`; the same on every leaf. */
  readonly gatewayMac: string;
  /**
   * Access mode (a bare-metal server's NIC): `interface` carries this VLAN untagged and nothing
   * else. Absent or false: a trunk (a hypervisor's), one tagged VLAN per subnet of its VMs.
   */
  readonly untagged?: boolean;
}

/** Takes `interface` out of the L2 VNI; the L2 VNI itself goes with its last interface. */
export interface UnbindL2Vni {
  readonly kind: 'unbindL2Vni';
  readonly l2Vni: number;
  readonly vlan: number;
  readonly interface: string;
  /** The interface's access (untagged) binding, as bindL2Vni made it. */
  readonly untagged?: boolean;
}

/** Announces `prefix` (e.g. a floating IP /32) as a type-5 route from the VRF. */
export interface AnnouncePrefix {
  readonly kind: 'announcePrefix';
  readonly vrf: string;
  readonly prefix: string;
}

export interface WithdrawPrefix {
  readonly kind: 'withdrawPrefix';
  readonly vrf: string;
  readonly prefix: string;
}

/** What a leaf (and the VRF side of a gateway node) accepts. */
export type LeafOperation =
  | CreateVrf
  | DeleteVrf
  | ConfigureBgpEvpn
  | RemoveBgpEvpn
  | BindL2Vni
  | UnbindL2Vni
  | AnnouncePrefix
  | WithdrawPrefix;

/**
 * Every operation: the leaf ones, the gateway ones (gateway-operation.ts) only gateway nodes
 * accept, traffic shaping (shaping-operation.ts), and the service IP ones
 * (service-operation.ts) only border leaves accept.
 */
export type FabricOperation =
  LeafOperation | GatewayOperation | ShapingOperation | ServiceOperation;

export type OperationKind = FabricOperation['kind'];

export const leafOperationKinds: readonly LeafOperation['kind'][] = [
  'createVrf',
  'deleteVrf',
  'configureBgpEvpn',
  'removeBgpEvpn',
  'bindL2Vni',
  'unbindL2Vni',
  'announcePrefix',
  'withdrawPrefix',
];

export const operationKinds: readonly OperationKind[] = [
  ...leafOperationKinds,
  ...gatewayOperationKinds,
  ...shapingOperationKinds,
  ...serviceOperationKinds,
];

/** An id the driver gives a submitted operation. */
export type OperationId = string;
