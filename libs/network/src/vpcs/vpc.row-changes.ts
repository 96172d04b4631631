import type { RecordedEvent } from '@loom/event-store';
import { foldRowChanges, type RowChange, type TableWrites } from '@loom/projections';
import { readResourceEvent, renamedRow } from '../read-models/resource-event';
import { resourcePatching, type ResourcePatch } from '../shared/resource-patch';
import { tenantName, vpcName } from '@loom/names';
import type { VpcEvent } from './vpc.events';
import type { VpcRow } from './vpc.read-model';

/** The row as plain, immutable values: what the fold passes along. */
type Row = Readonly<VpcRow>;

export type VpcPatch = ResourcePatch;

/** What one event of a VPC's stream does to its row; the stream's claims leave it alone. */
export function vpcRowChange(recorded: RecordedEvent): RowChange<Row, VpcPatch> | undefined {
  const { event, at, ids } = readResourceEvent<VpcEvent>(recorded, 'vpc-');
  const [tenantId = '', vpcId = ''] = ids;
  const name = vpcName(tenantId, vpcId);
  switch (event.type) {
    case 'VpcCreated': {
      const { displayName, cidrBlocks, routing } = event.data;
      const row: Row = {
        name,
        tenantId,
        parent: tenantName(tenantId),
        displayName,
        cidrBlocks: [...cidrBlocks],
        routing,
        state: 'READY',
        version: 1,
        createTime: at,
        updateTime: at,
      };
      return { kind: 'create', name, row };
    }
    case 'VpcUpdated':
      return renamedRow(name, event.data.displayName, at);
    case 'VpcDeleted':
      return { kind: 'delete', name };
    case 'VpcNameReserved':
    case 'VpcNameReleased':
    case 'VpcSubnetCidrReserved':
    case 'VpcSubnetCidrReleased':
    case 'VpcExternalGatewayAttached':
    case 'VpcExternalGatewayDetached':
      return undefined;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** A batch of VPC events, in order, as the writes to the vpcs table. */
export function foldVpcEvents(events: readonly RecordedEvent[]): TableWrites<Row, VpcPatch> {
  return foldRowChanges(events.map(vpcRowChange), resourcePatching<Row>());
}
