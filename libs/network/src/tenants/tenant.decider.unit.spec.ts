import { FailedPreconditionError, ResourceExhaustedError } from '@loom/errors';
import { specify } from '../testing/decider-specification';
import { tenantDecider } from './tenant.decider';
import type { TenantCreated } from './tenant.events';

const quota = { vpcs: 1, subnets: 2, ports: 3, floatingIps: 0 };
const created: TenantCreated = {
  type: 'TenantCreated',
  data: { tenantId: 'acme', displayName: 'Acme', quota },
};
const claimed = (owner: string) =>
  ({ type: 'TenantQuotaClaimed', data: { resource: 'vpcs', owner } }) as const;
const given = specify(tenantDecider);

describe('tenant decider', () => {
  it('claims quota up to the limit, once per owner', () => {
    const claim = (owner: string) =>
      ({ type: 'ClaimQuota', tenantId: 'acme', resource: 'vpcs', owner }) as const;
    given([created])
      .when(claim('op-1'))
      .then([claimed('op-1')]);
    given([created, claimed('op-1')])
      .when(claim('op-1'))
      .then([]);
    given([created, claimed('op-1')])
      .when(claim('op-2'))
      .thenThrows(ResourceExhaustedError, /quota of 1 vpcs/);
  });

  it('refuses a quota below usage and deleting a tenant with VPCs', () => {
    given([created, claimed('op-1')])
      .when({ type: 'UpdateTenant', tenantId: 'acme', quota: { ...quota, vpcs: 0 } })
      .thenThrows(FailedPreconditionError);
    given([created, claimed('op-1')])
      .when({ type: 'DeleteTenant', tenantId: 'acme' })
      .thenThrows(FailedPreconditionError);
    given([created])
      .when({ type: 'DeleteTenant', tenantId: 'acme' })
      .then([{ type: 'TenantDeleted', data: { tenantId: 'acme' } }]);
  });
});
