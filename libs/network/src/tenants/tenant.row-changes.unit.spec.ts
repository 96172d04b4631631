import { RecordedLog } from '../testing/recorded-log';
import type { TenantEvent } from './tenant.events';
import { foldTenantEvents } from './tenant.row-changes';

const quota = { vpcs: 5, subnets: 20, ports: 100, floatingIps: 0 };
const claim = (resource: 'vpcs' | 'subnets' | 'ports'): TenantEvent => ({
  type: 'TenantQuotaClaimed',
  data: { resource, owner: 'tenants/acme/operations/op' },
});
const release = (resource: 'vpcs' | 'subnets' | 'ports'): TenantEvent => ({
  type: 'TenantQuotaReleased',
  data: { resource, owner: 'tenants/acme/operations/op' },
});

describe('tenant row changes', () => {
  let log: RecordedLog;
  const at = '2026-01-01T00:00:00.000Z';
  const tenant = (event: TenantEvent, occurredAt = at) =>
    log.record('tenant-acme', event, occurredAt);
  beforeEach(() => {
    log = new RecordedLog();
  });

  it('inserts a tenant created in the batch with the usage its claims and releases add up to', () => {
    const writes = foldTenantEvents([
      tenant({
        type: 'TenantCreated',
        data: { tenantId: 'acme', displayName: 'Acme', quota },
      }),
      tenant(claim('vpcs')),
      tenant(claim('subnets')),
      tenant(claim('vpcs')),
      tenant(release('vpcs')),
      tenant(
        { type: 'TenantUpdated', data: { displayName: 'Acme Corp', quota: { ...quota, vpcs: 9 } } },
        '2026-01-02T00:00:00.000Z',
      ),
    ]);
    expect(writes).toEqual({
      deletes: [],
      upserts: [
        {
          name: 'tenants/acme',
          tenantId: 'acme',
          displayName: 'Acme Corp',
          quota: { ...quota, vpcs: 9 },
          usage: { vpcs: 1, subnets: 1, ports: 0, floatingIps: 0 },
          // Created, four usage changes and an update: each a new version.
          version: 6,
          createTime: new Date(at),
          updateTime: new Date('2026-01-02T00:00:00.000Z'),
        },
      ],
      patches: [],
    });
  });

  it('turns claims on a tenant of an earlier batch into one usage delta, each a new version at its time', () => {
    const writes = foldTenantEvents([
      tenant(claim('ports')),
      tenant(claim('ports')),
      tenant(release('subnets'), '2026-01-03T00:00:00.000Z'),
    ]);
    expect(writes.patches).toEqual([
      {
        name: 'tenants/acme',
        patch: {
          versionBumps: 3,
          updateTime: new Date('2026-01-03T00:00:00.000Z'),
          usageDelta: { vpcs: 0, subnets: -1, ports: 2, floatingIps: 0 },
        },
      },
    ]);
  });

  it('keeps the update of a stored tenant in the patch, with its version bumps', () => {
    const writes = foldTenantEvents([
      tenant({ type: 'TenantUpdated', data: { displayName: 'Acme Corp', quota } }),
      tenant(claim('vpcs')),
    ]);
    expect(writes.patches).toEqual([
      {
        name: 'tenants/acme',
        patch: {
          displayName: 'Acme Corp',
          quota,
          versionBumps: 2,
          updateTime: new Date(at),
          usageDelta: { vpcs: 1, subnets: 0, ports: 0, floatingIps: 0 },
        },
      },
    ]);
  });

  it('deletes a tenant, dropping what changed it before in the batch', () => {
    const writes = foldTenantEvents([
      tenant(claim('vpcs')),
      tenant({ type: 'TenantDeleted', data: { tenantId: 'acme' } }),
    ]);
    expect(writes).toEqual({ deletes: ['tenants/acme'], upserts: [], patches: [] });
  });
});
