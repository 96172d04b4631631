import { writeRows, type PatchStatement, type Projection } from '@loom/projections';
import {
  resourcePatchColumns,
  resourcePatchRecord,
  resourcePatchSet,
} from '../read-models/resource-patch-sql';
import { VpcRow } from './vpc.read-model';
import { foldVpcEvents, type VpcPatch } from './vpc.row-changes';

const vpcPatches: PatchStatement<VpcPatch> = {
  sql: `UPDATE read_model.vpcs AS t SET ${resourcePatchSet}
    FROM jsonb_to_recordset($1::jsonb) AS p(${resourcePatchColumns})
    WHERE t.name = p.name`,
  toRecord: resourcePatchRecord,
};

export const vpcProjection: Projection = {
  name: 'vpcs',
  filter: { streamPrefixes: ['vpc-'], eventTypes: ['VpcCreated', 'VpcUpdated', 'VpcDeleted'] },
  entities: [VpcRow],
  applyBatch: (events, manager) => writeRows(manager, VpcRow, foldVpcEvents(events), vpcPatches),
};
