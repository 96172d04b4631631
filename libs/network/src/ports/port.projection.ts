import { writeRows, type PatchStatement, type Projection } from '@loom/projections';
import {
  resourcePatchColumns,
  resourcePatchRecord,
  resourcePatchSet,
} from '../read-models/resource-patch-sql';
import { PortRow } from './port.read-model';
import { foldPortEvents, type PortPatch } from './port.row-changes';

const portPatches: PatchStatement<PortPatch> = {
  sql: `UPDATE read_model.ports AS t SET ${resourcePatchSet},
      status = COALESCE(p.status, t.status),
      status_reason = COALESCE(p.status_reason, t.status_reason)
    FROM jsonb_to_recordset($1::jsonb) AS p(${resourcePatchColumns}, status text, status_reason text)
    WHERE t.name = p.name`,
  toRecord: (name, patch) => ({
    ...resourcePatchRecord(name, patch),
    status: patch.status ?? null,
    status_reason: patch.statusReason ?? null,
  }),
};

export const portProjection: Projection = {
  name: 'ports',
  filter: { streamPrefixes: ['port-'] },
  entities: [PortRow],
  applyBatch: (events, manager) => writeRows(manager, PortRow, foldPortEvents(events), portPatches),
};
