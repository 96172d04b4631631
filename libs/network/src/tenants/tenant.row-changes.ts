import type { RecordedEvent } from '@loom/event-store';
import { foldRowChanges, type RowChange, type TableWrites } from '@loom/projections';
import { readResourceEvent } from '../read-models/resource-event';
import {
  applyResourcePatch,
  combineResourcePatches,
  type ResourcePatch,
} from '../shared/resource-patch';
import { tenantName } from '@loom/names';
import type { Quota, TenantEvent } from './tenant.events';
import type { TenantRow } from './tenant.read-model';

/** The row as plain, immutable values: what the fold passes along. */
type Row = Readonly<TenantRow>;

/**
 * A change to a stored tenant row; quota claims and releases add up to one usage delta, each a
 * new version.
 */
export interface TenantPatch extends ResourcePatch {
  readonly quota?: Quota;
  readonly usageDelta: Quota;
}

const noUsage: Quota = { vpcs: 0, subnets: 0, ports: 0, floatingIps: 0 };

const addQuotas = (first: Quota, second: Quota): Quota => ({
  vpcs: first.vpcs + second.vpcs,
  subnets: first.subnets + second.subnets,
  ports: first.ports + second.ports,
  floatingIps: first.floatingIps + second.floatingIps,
});

export const tenantPatching = {
  applyTo: (row: Row, patch: TenantPatch): Row => ({
    ...applyResourcePatch(row, patch),
    quota: patch.quota ?? row.quota,
    usage: addQuotas(row.usage, patch.usageDelta),
  }),
  combine: (first: TenantPatch, second: TenantPatch): TenantPatch => ({
    ...combineResourcePatches(first, second),
    usageDelta: addQuotas(first.usageDelta, second.usageDelta),
  }),
};

/** What one event of a tenant's stream does to its row. */
export function tenantRowChange(recorded: RecordedEvent): RowChange<Row, TenantPatch> {
  const { event, at, ids } = readResourceEvent<TenantEvent>(recorded, 'tenant-');
  const name = tenantName(ids[0] ?? '');
  switch (event.type) {
    case 'TenantCreated': {
      const { tenantId, displayName, quota } = event.data;
      const row: Row = {
        name,
        tenantId,
        displayName,
        quota,
        usage: noUsage,
        version: 1,
        createTime: at,
        updateTime: at,
      };
      return { kind: 'create', name, row };
    }
    case 'TenantUpdated': {
      const { displayName, quota } = event.data;
      const patch = { displayName, quota, versionBumps: 1, updateTime: at, usageDelta: noUsage };
      return { kind: 'patch', name, patch };
    }
    case 'TenantDeleted':
      return { kind: 'delete', name };
    case 'TenantQuotaClaimed':
    case 'TenantQuotaReleased': {
      const change = event.type === 'TenantQuotaClaimed' ? 1 : -1;
      const usageDelta = { ...noUsage, [event.data.resource]: change };
      // The usage Get shows changes: a new version (as in the decider), at this time.
      return { kind: 'patch', name, patch: { versionBumps: 1, updateTime: at, usageDelta } };
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** A batch of tenant events, in order, as the writes to the tenants table. */
export function foldTenantEvents(events: readonly RecordedEvent[]): TableWrites<Row, TenantPatch> {
  return foldRowChanges(events.map(tenantRowChange), tenantPatching);
}
