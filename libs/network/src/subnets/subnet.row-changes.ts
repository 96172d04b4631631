import type { RecordedEvent } from '@loom/event-store';
import { foldRowChanges, type RowChange, type TableWrites } from '@loom/projections';
import { networkEventCatalog } from '../network-event-catalog';
import { resourcePatching, type ResourcePatch } from '../shared/resource-patch';
import { subnetName, vpcName } from '@loom/names';
import type { SubnetEvent } from './subnet.events';
import type { SubnetRow } from './subnet.read-model';

/** The row as plain, immutable values: what the fold passes along. */
type Row = Readonly<SubnetRow>;

export type SubnetPatch = ResourcePatch;

/** What one event of a subnet's stream does to its row; address claims leave it alone. */
export function subnetRowChange(recorded: RecordedEvent): RowChange<Row, SubnetPatch> | undefined {
  const event = networkEventCatalog.upcast(
    recorded.type,
    recorded.schemaVersion,
    recorded.data,
  ) as SubnetEvent;
  const at = new Date(recorded.metadata.occurredAt);
  const [tenantId = '', vpcId = '', subnetId = ''] = recorded.stream
    .slice('subnet-'.length)
    .split('/');
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
    case 'SubnetUpdated': {
      const patch = { displayName: event.data.displayName, versionBumps: 1, updateTime: at };
      return { kind: 'patch', name, patch };
    }
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
