import { resourceProjection } from '../read-models/resource-projection';
import { quotaResources } from './tenant.events';
import { TenantRow } from './tenant.read-model';
import { foldTenantEvents } from './tenant.row-changes';

/** Usage is the stored usage plus the batch's claims less its releases, per resource. */
const usagePlusDelta = `jsonb_build_object(${quotaResources
  .map(
    (resource) =>
      `'${resource}', COALESCE((t.usage->>'${resource}')::int, 0) + (p.usage_delta->>'${resource}')::int`,
  )
  .join(', ')})`;

export const tenantProjection = resourceProjection({
  table: 'tenants',
  entity: TenantRow,
  filter: { streamPrefixes: ['tenant-'] },
  fold: foldTenantEvents,
  ownPatchColumns: {
    set: `quota = COALESCE(p.quota, t.quota),
      usage = ${usagePlusDelta}`,
    columns: 'quota jsonb, usage_delta jsonb',
    toRecord: (patch) => ({
      quota: patch.quota ?? null,
      usage_delta: patch.usageDelta,
    }),
  },
});
