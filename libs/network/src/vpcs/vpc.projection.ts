import type { RecordedEvent } from '@loom/event-store';
import type { Projection } from '@loom/projections';
import type { EntityManager } from 'typeorm';
import { networkEventCatalog } from '../network-event-catalog';
import { tenantName, vpcName } from '../shared/resource-names';
import type { VpcEvent } from './vpc.events';
import { VpcRow } from './vpc.read-model';

export const vpcProjection: Projection = {
  name: 'vpcs',
  filter: { streamPrefixes: ['vpc-'], eventTypes: ['VpcCreated', 'VpcUpdated', 'VpcDeleted'] },
  entities: [VpcRow],
  async apply(recorded: RecordedEvent, manager: EntityManager): Promise<void> {
    const event = networkEventCatalog.upcast(
      recorded.type,
      recorded.schemaVersion,
      recorded.data,
    ) as VpcEvent;
    const at = new Date(recorded.metadata.occurredAt);
    const rows = manager.getRepository(VpcRow);
    const [tenantId = '', vpcId = ''] = recorded.stream.slice('vpc-'.length).split('/');
    const name = vpcName(tenantId, vpcId);
    switch (event.type) {
      case 'VpcCreated':
        await rows.save({
          name,
          tenantId,
          parent: tenantName(tenantId),
          displayName: event.data.displayName,
          cidrBlocks: [...event.data.cidrBlocks],
          routing: event.data.routing,
          state: 'READY',
          version: 1,
          createTime: at,
          updateTime: at,
        });
        return;
      case 'VpcUpdated': {
        const row = await rows.findOneBy({ name });
        if (row)
          await rows.update({ name }, { ...event.data, version: row.version + 1, updateTime: at });
        return;
      }
      case 'VpcDeleted':
        await rows.delete({ name });
        return;
      default:
        return;
    }
  },
};
