import type { VpcRouting } from './vpc.events';

/**
 * A VPC's VRF identity from its L3 VNI: the VRF name fits Linux's 15-character interface names,
 * and RD and RTs follow FRR's automatic form ASN:VNI, so every leaf derives the same values.
 */
export function vpcRouting(l3Vni: number, asn: number): VpcRouting {
  const routeTarget = `${asn}:${l3Vni}`;
  return {
    l3Vni,
    vrfName: `vrf${l3Vni}`,
    routeDistinguisher: `${asn}:${l3Vni}`,
    importRouteTargets: [routeTarget],
    exportRouteTargets: [routeTarget],
  };
}
