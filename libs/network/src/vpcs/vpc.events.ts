import type { DomainEvent } from '@loom/intents';

export interface VpcRouting {
  readonly l3Vni: number;
  readonly vrfName: string;
  readonly routeDistinguisher: string;
  readonly importRouteTargets: readonly string[];
  readonly exportRouteTargets: readonly string[];
}

export type VpcCreated = DomainEvent<
  'VpcCreated',
  {
    tenantId: string;
    vpcId: string;
    displayName: string;
    cidrBlocks: readonly string[];
    routing: VpcRouting;
    /** The operation that created the VPC: the owner of its quota unit and VNI. */
    createdBy: string;
  }
>;
/** The first step of a create: the name is taken, so racing creators fail before claiming anything. */
export type VpcNameReserved = DomainEvent<
  'VpcNameReserved',
  { tenantId: string; vpcId: string; createdBy: string }
>;
/** A create that failed after reserving the name gives it back. */
export type VpcNameReleased = DomainEvent<'VpcNameReleased', { createdBy: string }>;
export type VpcUpdated = DomainEvent<'VpcUpdated', { displayName: string }>;
export type VpcDeleted = DomainEvent<
  'VpcDeleted',
  { tenantId: string; vpcId: string; l3Vni: number; createdBy: string }
>;
/** A subnet's block, held in the VPC so that two subnets of one VPC can never overlap. */
export type VpcSubnetCidrReserved = DomainEvent<
  'VpcSubnetCidrReserved',
  { subnetId: string; cidr: string; owner: string }
>;
export type VpcSubnetCidrReleased = DomainEvent<
  'VpcSubnetCidrReleased',
  { subnetId: string; cidr: string; owner: string }
>;

/** The VPC's external gateway exists (held here so the VPC cannot be deleted under it). */
export type VpcExternalGatewayAttached = DomainEvent<
  'VpcExternalGatewayAttached',
  { externalNetworkId: string; owner: string }
>;
export type VpcExternalGatewayDetached = DomainEvent<
  'VpcExternalGatewayDetached',
  { externalNetworkId: string; owner: string }
>;

export type VpcEvent =
  | VpcExternalGatewayAttached
  | VpcExternalGatewayDetached
  | VpcNameReserved
  | VpcNameReleased
  | VpcCreated
  | VpcUpdated
  | VpcDeleted
  | VpcSubnetCidrReserved
  | VpcSubnetCidrReleased;
