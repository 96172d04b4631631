import type { FloatingIpAssociation } from './floating-ip.events';
import type { VpcRouting } from '../vpcs/vpc.events';

/** The gateway nodes of an external network: every gateway saga configures all of them alike. */
export interface GatewayNodesInput {
  readonly externalNetwork: string;
  readonly nodes: readonly string[];
}

/** What a VPC external gateway's sagas replay from: decided by the intent, stored with the saga. */
export interface ExternalGatewayFabricInput {
  /** `tenants/{t}/operations/{o}` */
  readonly operation: string;
  /** `tenants/{t}/vpcs/{v}/externalGateway` */
  readonly gateway: string;
  readonly gatewayNodes: GatewayNodesInput;
  readonly routing: VpcRouting;
  readonly transfer: { readonly vrfAddress: string; readonly gatewayAddress: string };
  readonly snatAddress: string;
}

/** A floating IP's translation on the gateway nodes: the VPC VRF and the port's fixed IP. */
export interface FloatingIpTarget {
  readonly vrf: string;
  readonly privateAddress: string;
}

/**
 * A floating IP's change on the gateway nodes: from where it was translated (null: nowhere) to
 * where it goes (null: nowhere). Associate is null -> target, move target -> target, disassociate
 * target -> null.
 */
export interface FloatingIpFabricInput {
  readonly operation: string;
  /** `tenants/{t}/floatingIps/{f}` */
  readonly floatingIp: string;
  readonly gatewayNodes: GatewayNodesInput;
  readonly publicAddress: string;
  readonly from: FloatingIpTarget | null;
  readonly to: FloatingIpTarget | null;
  /**
   * The association before and after, as the intent records them: what a failed saga's outcome
   * puts back (absent in sagas recorded before they were added).
   */
  readonly previous?: FloatingIpAssociation | null;
  readonly next?: FloatingIpAssociation | null;
}
