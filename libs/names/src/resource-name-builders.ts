/** Resource names in the API's form (AIP-122); also the owners recorded on claims. */
export const tenantName = (tenantId: string): string => `tenants/${tenantId}`;
export const vpcName = (tenantId: string, vpcId: string): string =>
  `tenants/${tenantId}/vpcs/${vpcId}`;
export const subnetName = (tenantId: string, vpcId: string, subnetId: string): string =>
  `${vpcName(tenantId, vpcId)}/subnets/${subnetId}`;
export const portName = (
  tenantId: string,
  vpcId: string,
  subnetId: string,
  portId: string,
): string => `${subnetName(tenantId, vpcId, subnetId)}/ports/${portId}`;
export const operationName = (tenantId: string, operationId: string): string =>
  `tenants/${tenantId}/operations/${operationId}`;
