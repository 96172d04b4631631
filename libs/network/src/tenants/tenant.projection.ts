import type { RecordedEvent } from '@loom/event-store';
import type { Projection } from '@loom/projections';
import type { EntityManager } from 'typeorm';
import { networkEventCatalog } from '../network-event-catalog';
import { tenantName } from '../shared/resource-names';
import type { TenantEvent } from './tenant.events';
import { TenantRow } from './tenant.read-model';

const noUsage = { vpcs: 0, subnets: 0, ports: 0, floatingIps: 0 };

export const tenantProjection: Projection = {
  name: 'tenants',
  filter: { streamPrefixes: ['tenant-'] },
  entities: [TenantRow],
  async apply(recorded: RecordedEvent, manager: EntityManager): Promise<void> {
    const event = networkEventCatalog.upcast(
      recorded.type,
      recorded.schemaVersion,
      recorded.data,
    ) as TenantEvent;
    const at = new Date(recorded.metadata.occurredAt);
    const rows = manager.getRepository(TenantRow);
    const name = tenantName(recorded.stream.slice('tenant-'.length));
    switch (event.type) {
      case 'TenantCreated':
        await rows.save({
          name,
          ...event.data,
          usage: noUsage,
          version: 1,
          createTime: at,
          updateTime: at,
        });
        return;
      case 'TenantUpdated': {
        const row = await rows.findOneBy({ name });
        if (row)
          await rows.update({ name }, { ...event.data, version: row.version + 1, updateTime: at });
        return;
      }
      case 'TenantDeleted':
        await rows.delete({ name });
        return;
      case 'TenantQuotaClaimed':
      case 'TenantQuotaReleased': {
        const row = await rows.findOneBy({ name });
        if (!row) return;
        const change = event.type === 'TenantQuotaClaimed' ? 1 : -1;
        const usage = {
          ...row.usage,
          [event.data.resource]: row.usage[event.data.resource] + change,
        };
        await rows.update({ name }, { usage });
        return;
      }
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
