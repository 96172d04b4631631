import type { DomainEvent } from '@loom/intents';

export type ExternalGatewayCreated = DomainEvent<
  'ExternalGatewayCreated',
  {
    tenantId: string;
    vpcId: string;
    externalNetworkId: string;
    /** The VPC's /31 of the transfer pool, and its two ends (VRF's, gateway's). */
    transferBlock: string;
    vrfAddress: string;
    gatewayAddress: string;
    /** The public address the VPC's VMs leave from (SNAT), from the external network's pools. */
    snatAddress: string;
    createdBy: string;
  }
>;
/** The gateway nodes carry the VPC's traffic. */
export type ExternalGatewayActivated = DomainEvent<
  'ExternalGatewayActivated',
  Record<string, never>
>;
export type ExternalGatewayFailed = DomainEvent<'ExternalGatewayFailed', { reason: string }>;
export type ExternalGatewayDeleted = DomainEvent<
  'ExternalGatewayDeleted',
  {
    tenantId: string;
    vpcId: string;
    externalNetworkId: string;
    transferBlock: string;
    vrfAddress: string;
    gatewayAddress: string;
    snatAddress: string;
    createdBy: string;
  }
>;
/** A floating IP of the VPC is associated (its DNAT runs through this gateway). */
export type ExternalGatewayFloatingIpAttached = DomainEvent<
  'ExternalGatewayFloatingIpAttached',
  { floatingIp: string; privateAddress: string }
>;
export type ExternalGatewayFloatingIpDetached = DomainEvent<
  'ExternalGatewayFloatingIpDetached',
  { floatingIp: string }
>;

export type ExternalGatewayEvent =
  | ExternalGatewayCreated
  | ExternalGatewayActivated
  | ExternalGatewayFailed
  | ExternalGatewayDeleted
  | ExternalGatewayFloatingIpAttached
  | ExternalGatewayFloatingIpDetached;
