import type { FieldViolation } from '@loom/errors';
import { checkDisplayName } from '@loom/names';
import { quotaResources, type Quota } from './tenant.events';

const maxQuota = 1_000_000;
const quotaFieldNames: Record<keyof Quota, string> = {
  vpcs: 'vpcs',
  subnets: 'subnets',
  ports: 'ports',
  floatingIps: 'floating_ips',
};

export function checkQuota(field: string, quota: Quota): FieldViolation[] {
  return quotaResources
    .filter(
      (resource) =>
        !(Number.isInteger(quota[resource]) && quota[resource] >= 0 && quota[resource] <= maxQuota),
    )
    .map((resource) => ({
      field: `${field}.${quotaFieldNames[resource]}`,
      description: `must be an integer from 0 to ${maxQuota}`,
    }));
}

export function checkTenantFields(displayName: string, quota: Quota): FieldViolation[] {
  return [
    ...checkDisplayName('tenant.display_name', displayName),
    ...checkQuota('tenant.quota', quota),
  ];
}
