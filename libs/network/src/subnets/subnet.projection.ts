import { resourceProjection } from '../read-models/resource-projection';
import { SubnetRow } from './subnet.read-model';
import { foldSubnetEvents } from './subnet.row-changes';

export const subnetProjection = resourceProjection({
  table: 'subnets',
  entity: SubnetRow,
  filter: {
    streamPrefixes: ['subnet-'],
    eventTypes: ['SubnetCreated', 'SubnetUpdated', 'SubnetDeleted'],
  },
  fold: foldSubnetEvents,
});
