import type { RecordedEvent } from '@loom/event-store';
import { foldRowChanges, type RowChange, type TableWrites } from '@loom/projections';
import { readResourceEvent, renamedRow } from '../read-models/resource-event';
import { resourcePatching, type ResourcePatch } from '../shared/resource-patch';
import { subnetName, vpcName } from '@loom/names';
import type { SubnetEvent } from './subnet.events';
import type { SubnetRow } from './subnet.read-model';

/** The row as plain, immutable values: what the fold passes along. */
type Row = Readonly<SubnetRow>;

export type SubnetPatch = ResourcePatch;

/** What one event of a subnet's stream does to its row; address claims leave it alone. */
export function subnetRowChange(recorded: RecordedEvent): RowChange<Row, SubnetPatch> | undefined {
  const { event, at, ids } = readResourceEvent<SubnetEvent>(recorded, 'subnet-');
  const [tenantId = '', vpcId = '', subnetId = ''] = ids;
  const name = subnetName(tenantId, vpcId, subnetId);
  switch (event.type) {
    case 'SubnetCreated': {
      const { displayName, cidr, gatewayIp, l2Vni } = event.data;
      const row: Row = {
        name,
        tenantId,
        parent: vpcName(tenantId, vpcId),
        displayName,
        cidr,
        gatewayIp,
        l2Vni,
        state: 'READY',
        version: 1,
        createTime: at,
        updateTime: at,
      };
      return { kind: 'create', name, row };
    }
    case 'SubnetUpdated':
      return renamedRow(name, event.data.displayName, at);
    case 'SubnetDeleted':
      return { kind: 'delete', name };
    case 'SubnetAddressAllocated':
    case 'SubnetAddressReleased':
      return undefined;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** A batch of subnet events, in order, as the writes to the subnets table. */
export function foldSubnetEvents(events: readonly RecordedEvent[]): TableWrites<Row, SubnetPatch> {
  return foldRowChanges(events.map(subnetRowChange), resourcePatching<Row>());
}
