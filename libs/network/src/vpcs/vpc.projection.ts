import { resourceProjection } from '../read-models/resource-projection';
import { VpcRow } from './vpc.read-model';
import { foldVpcEvents } from './vpc.row-changes';

export const vpcProjection = resourceProjection({
  table: 'vpcs',
  entity: VpcRow,
  filter: { streamPrefixes: ['vpc-'], eventTypes: ['VpcCreated', 'VpcUpdated', 'VpcDeleted'] },
  fold: foldVpcEvents,
});
