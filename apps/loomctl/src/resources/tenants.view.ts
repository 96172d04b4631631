import type { Quota, Tenant, Usage } from '@loom/api-contract';
import type { Column } from '../cli/table';
import { formatAge, formatTime } from '../cli/time-format';

const used = (usage: Usage | null, quota: Quota | null, field: keyof Quota): string =>
  `${usage?.[field] ?? 0}/${quota?.[field] ?? 0}`;

const counts = (values: Quota | Usage | null): string =>
  values
    ? `vpcs ${values.vpcs}, subnets ${values.subnets}, ports ${values.ports}, floating_ips ${values.floatingIps}`
    : '';

export const tenantColumns = (nowMs: number): Column<Tenant>[] => [
  { header: 'NAME', value: (tenant) => tenant.name },
  { header: 'DISPLAY NAME', value: (tenant) => tenant.displayName },
  { header: 'VPCS', value: (tenant) => used(tenant.usage, tenant.quota, 'vpcs') },
  { header: 'SUBNETS', value: (tenant) => used(tenant.usage, tenant.quota, 'subnets') },
  { header: 'PORTS', value: (tenant) => used(tenant.usage, tenant.quota, 'ports') },
  { header: 'AGE', value: (tenant) => formatAge(tenant.createTime, nowMs) },
];

export const tenantFields = (tenant: Tenant): [string, string][] => [
  ['name', tenant.name],
  ['display_name', tenant.displayName],
  ['quota', counts(tenant.quota)],
  ['usage', counts(tenant.usage)],
  ['etag', tenant.etag],
  ['create_time', formatTime(tenant.createTime)],
  ['update_time', formatTime(tenant.updateTime)],
];
