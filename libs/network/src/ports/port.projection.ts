import type { RecordedEvent } from '@loom/event-store';
import type { Projection } from '@loom/projections';
import type { EntityManager } from 'typeorm';
import { networkEventCatalog } from '../network-event-catalog';
import { portName, subnetName } from '../shared/resource-names';
import type { PortEvent } from './port.events';
import { PortRow } from './port.read-model';

export const portProjection: Projection = {
  name: 'ports',
  filter: { streamPrefixes: ['port-'] },
  entities: [PortRow],
  async apply(recorded: RecordedEvent, manager: EntityManager): Promise<void> {
    const event = networkEventCatalog.upcast(
      recorded.type,
      recorded.schemaVersion,
      recorded.data,
    ) as PortEvent;
    const at = new Date(recorded.metadata.occurredAt);
    const rows = manager.getRepository(PortRow);
    const [tenantId = '', vpcId = '', subnetId = '', portId = ''] = recorded.stream
      .slice('port-'.length)
      .split('/');
    const name = portName(tenantId, vpcId, subnetId, portId);
    switch (event.type) {
      case 'PortCreated':
        await rows.save({
          name,
          tenantId,
          parent: subnetName(tenantId, vpcId, subnetId),
          displayName: event.data.displayName,
          kind: event.data.kind,
          fixedIp: event.data.fixedIp,
          macAddress: event.data.macAddress,
          binding: event.data.binding,
          status: 'PENDING',
          statusReason: '',
          version: 1,
          createTime: at,
          updateTime: at,
        });
        return;
      case 'PortUpdated': {
        const row = await rows.findOneBy({ name });
        if (row)
          await rows.update({ name }, { ...event.data, version: row.version + 1, updateTime: at });
        return;
      }
      case 'PortActivated':
        await rows.update({ name }, { status: 'ACTIVE', statusReason: '', updateTime: at });
        return;
      case 'PortFailed':
        await rows.update(
          { name },
          { status: 'ERROR', statusReason: event.data.reason, updateTime: at },
        );
        return;
      case 'PortDeleted':
        await rows.delete({ name });
        return;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
