import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
  ResourceExhaustedError,
} from '@loom/errors';
import { specify } from '@loom/intents/testing';
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
  it('creates a tenant once, and again after it was deleted', () => {
    const create = { type: 'CreateTenant', tenantId: 'acme', displayName: 'Acme', quota } as const;
    const deleted = { type: 'TenantDeleted', data: { tenantId: 'acme' } } as const;
    given([]).when(create).then([created]);
    given([created]).when(create).thenThrows(AlreadyExistsError, { resourceName: 'tenants/acme' });
    given([created, deleted]).when(create).then([created]);
  });

  it('updates name and quota on a matching or absent etag; each update is a new version', () => {
    const update = (fields: { displayName?: string; etag?: string }) =>
      ({ type: 'UpdateTenant', tenantId: 'acme', ...fields }) as const;
    const updated = (displayName: string) =>
      ({ type: 'TenantUpdated', data: { displayName, quota } }) as const;
    given([created])
      .when(update({ displayName: 'Acme Corp' }))
      .then([updated('Acme Corp')]);
    given([created])
      .when(update({ etag: '"1"' }))
      .then([updated('Acme')]);
    given([created])
      .when(update({ displayName: 'Acme Corp', etag: '' }))
      .then([updated('Acme Corp')]);
    given([created, updated('Acme Corp')])
      .when(update({ displayName: 'Acme', etag: '"1"' }))
      .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH', resourceName: 'tenants/acme' });
    given([created, claimed('op-1'), updated('Acme Corp')])
      .when({ type: 'DeleteTenant', tenantId: 'acme', etag: '"1"' })
      .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH' });
    given([created, claimed('op-1')])
      .when(update({ displayName: 'Acme', etag: '"2"' }))
      .then([updated('Acme')]);
  });

  it('makes each change of the usage Get shows a new version: the etag read before is stale', () => {
    const released = {
      type: 'TenantQuotaReleased',
      data: { resource: 'vpcs', owner: 'op-1' },
    } as const;
    const update = (etag: string) =>
      ({ type: 'UpdateTenant', tenantId: 'acme', displayName: 'Acme Corp', etag }) as const;
    const renamed = { type: 'TenantUpdated', data: { displayName: 'Acme Corp', quota } } as const;
    given([created, claimed('op-1')])
      .when(update('"1"'))
      .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH', resourceName: 'tenants/acme' });
    given([created, claimed('op-1'), released])
      .when(update('"2"'))
      .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH' });
    given([created, claimed('op-1'), released])
      .when(update('"3"'))
      .then([renamed]);
    given([created, claimed('op-1')])
      .when({ type: 'DeleteTenant', tenantId: 'acme', etag: '"1"' })
      .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH' });
  });

  it('refuses every change to a tenant that does not exist or was deleted', () => {
    const deleted = { type: 'TenantDeleted', data: { tenantId: 'acme' } } as const;
    for (const history of [[], [created, deleted]]) {
      given(history)
        .when({ type: 'UpdateTenant', tenantId: 'acme', displayName: 'x' })
        .thenThrows(NotFoundError, { resourceName: 'tenants/acme' });
      given(history).when({ type: 'DeleteTenant', tenantId: 'acme' }).thenThrows(NotFoundError);
      given(history)
        .when({ type: 'ClaimQuota', tenantId: 'acme', resource: 'vpcs', owner: 'op-1' })
        .thenThrows(NotFoundError);
    }
  });

  it('releases quota only for an owner that holds it, which frees the unit', () => {
    const release = (owner: string) =>
      ({ type: 'ReleaseQuota', tenantId: 'acme', resource: 'vpcs', owner }) as const;
    const released = {
      type: 'TenantQuotaReleased',
      data: { resource: 'vpcs', owner: 'op-1' },
    } as const;
    given([created, claimed('op-1')])
      .when(release('op-1'))
      .then([released]);
    given([created, claimed('op-1')])
      .when(release('op-2'))
      .then([]);
    given([created, claimed('op-1'), released])
      .when(release('op-1'))
      .then([]);
    given([created, claimed('op-1'), released])
      .when({ type: 'ClaimQuota', tenantId: 'acme', resource: 'vpcs', owner: 'op-2' })
      .then([claimed('op-2')]);
  });
});
