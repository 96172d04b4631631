import { writeRows, type PatchStatement, type Projection } from '@loom/projections';
import {
  resourcePatchColumns,
  resourcePatchRecord,
  resourcePatchSet,
} from '../read-models/resource-patch-sql';
import { quotaResources } from './tenant.events';
import { TenantRow } from './tenant.read-model';
import { foldTenantEvents, type TenantPatch } from './tenant.row-changes';

/** Usage is the stored usage plus the batch's claims less its releases, per resource. */
const usagePlusDelta = `jsonb_build_object(${quotaResources
  .map(
    (resource) =>
      `'${resource}', COALESCE((t.usage->>'${resource}')::int, 0) + (p.usage_delta->>'${resource}')::int`,
  )
  .join(', ')})`;

const tenantPatches: PatchStatement<TenantPatch> = {
  sql: `UPDATE read_model.tenants AS t SET ${resourcePatchSet},
      quota = COALESCE(p.quota, t.quota),
      usage = ${usagePlusDelta}
    FROM jsonb_to_recordset($1::jsonb) AS p(${resourcePatchColumns}, quota jsonb, usage_delta jsonb)
    WHERE t.name = p.name`,
  toRecord: (name, patch) => ({
    ...resourcePatchRecord(name, patch),
    quota: patch.quota ?? null,
    usage_delta: patch.usageDelta,
  }),
};

export const tenantProjection: Projection = {
  name: 'tenants',
  filter: { streamPrefixes: ['tenant-'] },
  entities: [TenantRow],
  applyBatch: (events, manager) =>
    writeRows(manager, TenantRow, foldTenantEvents(events), tenantPatches),
};
