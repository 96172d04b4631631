import { writeRows, type PatchStatement, type Projection } from '@loom/projections';
import {
  resourcePatchColumns,
  resourcePatchRecord,
  resourcePatchSet,
} from '../read-models/resource-patch-sql';
import { SubnetRow } from './subnet.read-model';
import { foldSubnetEvents, type SubnetPatch } from './subnet.row-changes';

const subnetPatches: PatchStatement<SubnetPatch> = {
  sql: `UPDATE read_model.subnets AS t SET ${resourcePatchSet}
    FROM jsonb_to_recordset($1::jsonb) AS p(${resourcePatchColumns})
    WHERE t.name = p.name`,
  toRecord: resourcePatchRecord,
};

export const subnetProjection: Projection = {
  name: 'subnets',
  filter: {
    streamPrefixes: ['subnet-'],
    eventTypes: ['SubnetCreated', 'SubnetUpdated', 'SubnetDeleted'],
  },
  entities: [SubnetRow],
  applyBatch: (events, manager) =>
    writeRows(manager, SubnetRow, foldSubnetEvents(events), subnetPatches),
};
