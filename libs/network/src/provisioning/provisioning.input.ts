import type { VpcRouting } from '../vpcs/vpc.events';

/** Everything a port's fabric work needs, fixed when the saga starts (sagas replay from it). */
export interface PortFabricInput {
  readonly operation: string;
  readonly leaf: string;
  readonly port: string;
  readonly vpc: { readonly name: string; readonly routing: VpcRouting };
  readonly subnet: {
    readonly name: string;
    readonly l2Vni: number;
    readonly anycastGateway: string;
  };
  readonly binding: {
    readonly interface: string;
    readonly vlan: number;
    /** A bare-metal port's access (untagged) binding; absent for a VM's trunk VLAN. */
    readonly untagged?: boolean;
  };
}

/** The anycast gateway MAC every leaf answers with for every subnet (VRRP's virtual MAC range). */
export const anycastGatewayMac = '00:00:5e:00:01:01';
