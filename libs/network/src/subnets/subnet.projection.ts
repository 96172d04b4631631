import type { RecordedEvent } from '@loom/event-store';
import type { Projection } from '@loom/projections';
import type { EntityManager } from 'typeorm';
import { networkEventCatalog } from '../network-event-catalog';
import { subnetName, vpcName } from '../shared/resource-names';
import type { SubnetEvent } from './subnet.events';
import { SubnetRow } from './subnet.read-model';

export const subnetProjection: Projection = {
  name: 'subnets',
  filter: {
    streamPrefixes: ['subnet-'],
    eventTypes: ['SubnetCreated', 'SubnetUpdated', 'SubnetDeleted'],
  },
  entities: [SubnetRow],
  async apply(recorded: RecordedEvent, manager: EntityManager): Promise<void> {
    const event = networkEventCatalog.upcast(
      recorded.type,
      recorded.schemaVersion,
      recorded.data,
    ) as SubnetEvent;
    const at = new Date(recorded.metadata.occurredAt);
    const rows = manager.getRepository(SubnetRow);
    const [tenantId = '', vpcId = '', subnetId = ''] = recorded.stream
      .slice('subnet-'.length)
      .split('/');
    const name = subnetName(tenantId, vpcId, subnetId);
    switch (event.type) {
      case 'SubnetCreated':
        await rows.save({
          name,
          tenantId,
          parent: vpcName(tenantId, vpcId),
          displayName: event.data.displayName,
          cidr: event.data.cidr,
          gatewayIp: event.data.gatewayIp,
          l2Vni: event.data.l2Vni,
          state: 'READY',
          version: 1,
          createTime: at,
          updateTime: at,
        });
        return;
      case 'SubnetUpdated': {
        const row = await rows.findOneBy({ name });
        if (row)
          await rows.update({ name }, { ...event.data, version: row.version + 1, updateTime: at });
        return;
      }
      case 'SubnetDeleted':
        await rows.delete({ name });
        return;
      default:
        return;
    }
  },
};
