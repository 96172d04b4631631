import { vpcName } from '@loom/names';

/** A VPC's service IP is a singleton of the VPC: `tenants/{t}/vpcs/{v}/serviceIp`. */
export const serviceIpName = (tenantId: string, vpcId: string): string =>
  `${vpcName(tenantId, vpcId)}/serviceIp`;
