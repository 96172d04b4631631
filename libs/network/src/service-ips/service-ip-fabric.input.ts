import type { VpcRouting } from '../vpcs/vpc.events';

/** Everything a service IP's fabric work needs, fixed when its saga starts. */
export interface ServiceIpFabricInput {
  readonly operation: string;
  /** The operation that created the service IP: it holds the service pool's /31. */
  readonly createdBy: string;
  /** `tenants/{t}/vpcs/{v}/serviceIp`. */
  readonly serviceIp: string;
  /** The service node: the border leaf facing the management network. */
  readonly node: string;
  readonly routing: VpcRouting;
  /** The service link's ends, each with its /31. */
  readonly link: { readonly vrfAddress: string; readonly nodeAddress: string };
  /** The VPC's address on the management side (the link's VRF end, no length). */
  readonly address: string;
  readonly prefixes: readonly string[];
}
