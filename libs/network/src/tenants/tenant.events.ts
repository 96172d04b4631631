import type { DomainEvent } from '@loom/intents';

export type QuotaResource = 'vpcs' | 'subnets' | 'ports' | 'floatingIps';
export const quotaResources: readonly QuotaResource[] = ['vpcs', 'subnets', 'ports', 'floatingIps'];
export type Quota = Readonly<Record<QuotaResource, number>>;

export type TenantCreated = DomainEvent<
  'TenantCreated',
  { tenantId: string; displayName: string; quota: Quota }
>;
export type TenantUpdated = DomainEvent<'TenantUpdated', { displayName: string; quota: Quota }>;
export type TenantDeleted = DomainEvent<'TenantDeleted', { tenantId: string }>;
/** One unit of quota held by `owner` (the operation that created the resource). */
export type TenantQuotaClaimed = DomainEvent<
  'TenantQuotaClaimed',
  { resource: QuotaResource; owner: string }
>;
export type TenantQuotaReleased = DomainEvent<
  'TenantQuotaReleased',
  { resource: QuotaResource; owner: string }
>;

export type TenantEvent =
  TenantCreated | TenantUpdated | TenantDeleted | TenantQuotaClaimed | TenantQuotaReleased;
