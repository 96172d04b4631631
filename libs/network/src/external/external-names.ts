import { vpcName } from '@loom/names';

/*
 * Names of the external network resources (AIP-122), kept here until @loom/names takes them: an
 * external network is global (the portal's), a VPC's external gateway a singleton of its VPC,
 * a floating IP a tenant's.
 */
export const externalNetworkName = (id: string): string => `externalNetworks/${id}`;
export const externalGatewayName = (tenantId: string, vpcId: string): string =>
  `${vpcName(tenantId, vpcId)}/externalGateway`;
export const floatingIpName = (tenantId: string, floatingIpId: string): string =>
  `tenants/${tenantId}/floatingIps/${floatingIpId}`;
