/**
 * Traffic shaping (QoS rate limits) on the device that carries the traffic: a port's on its leaf's
 * access interface, a floating IP's on the gateway node's transfer link of its VPC. Directions are
 * the port's: `ingress` is traffic towards the port (into the VM), `egress` traffic from it. A
 * direction without a limit (null) is not shaped. Each operation replaces what the target had, so
 * changing a rate is one operation and no gap; the inverse puts the old limits back.
 */

/** A shaper's limit: its rate in kilobits per second (1000 bit/s) and its burst in bytes. */
export interface ShapingLimit {
  readonly rateKbps: number;
  readonly burstBytes: number;
}

/**
 * Shapes one port's traffic on the leaf: the port behind `interface` on `vlan`, told apart from
 * other ports on the same interface and VLAN (VMs of one subnet on one hypervisor) by its fixed
 * IP `address`. Needs the interface bound to the VLAN's L2 VNI.
 */
export interface ShapePort {
  readonly kind: 'shapePort';
  readonly interface: string;
  readonly vlan: number;
  readonly address: string;
  readonly ingress: ShapingLimit | null;
  readonly egress: ShapingLimit | null;
}

export interface UnshapePort {
  readonly kind: 'unshapePort';
  readonly interface: string;
  readonly vlan: number;
  readonly address: string;
}

/**
 * Shapes one floating IP's traffic on a gateway node, on its VPC VRF's transfer link: towards the
 * VPC for `ingress`, from it for `egress`. Needs the floating IP's DNAT rule in `vrf`.
 */
export interface ShapeFloatingIp {
  readonly kind: 'shapeFloatingIp';
  readonly vrf: string;
  readonly publicAddress: string;
  readonly ingress: ShapingLimit | null;
  readonly egress: ShapingLimit | null;
}

export interface UnshapeFloatingIp {
  readonly kind: 'unshapeFloatingIp';
  readonly vrf: string;
  readonly publicAddress: string;
}

export type ShapingOperation = ShapePort | UnshapePort | ShapeFloatingIp | UnshapeFloatingIp;

export type ShapingOperationKind = ShapingOperation['kind'];

export const shapingOperationKinds: readonly ShapingOperationKind[] = [
  'shapePort',
  'unshapePort',
  'shapeFloatingIp',
  'unshapeFloatingIp',
];

export function isShapingOperation(operation: { readonly kind: string }): boolean {
  return (shapingOperationKinds as readonly string[]).includes(operation.kind);
}
