import type { RecordedEvent } from '@loom/event-store';
import {
  foldRowChanges,
  writeRows,
  type Projection,
  type RowChange,
  type TableWrites,
} from '@loom/projections';
import { tenantName } from '@loom/names';
import { externalGatewayName, externalNetworkName, floatingIpName } from './external-names';
import { ExternalResourceRow } from './external-resource.read-model';
import { serviceIpName } from '../service-ips/service-ip-names';

type Row = Readonly<ExternalResourceRow>;
type NoPatch = never;

/** What one event does to the table: a create adds the name, a delete removes it. */
export function externalResourceRowChange(
  recorded: RecordedEvent,
): RowChange<Row, NoPatch> | undefined {
  const at = new Date(recorded.metadata.occurredAt);
  const ids = (prefix: string) => recorded.stream.slice(prefix.length).split('/');
  const create = (name: string, kind: Row['kind'], parent: string): RowChange<Row, NoPatch> => ({
    kind: 'create',
    name,
    row: { name, kind, parent, createTime: at },
  });
  switch (recorded.type) {
    case 'ExternalNetworkCreated': {
      const [id = ''] = ids('external-network-');
      return create(externalNetworkName(id), 'external-network', '');
    }
    case 'ExternalGatewayCreated': {
      const [tenant = '', vpc = ''] = ids('external-gateway-');
      return create(externalGatewayName(tenant, vpc), 'external-gateway', tenantName(tenant));
    }
    case 'FloatingIpCreated': {
      const [tenant = '', id = ''] = ids('floating-ip-');
      return create(floatingIpName(tenant, id), 'floating-ip', tenantName(tenant));
    }
    case 'ExternalNetworkDeleted':
      return { kind: 'delete', name: externalNetworkName(ids('external-network-')[0] ?? '') };
    case 'ExternalGatewayDeleted': {
      const [tenant = '', vpc = ''] = ids('external-gateway-');
      return { kind: 'delete', name: externalGatewayName(tenant, vpc) };
    }
    case 'FloatingIpDeleted': {
      const [tenant = '', id = ''] = ids('floating-ip-');
      return { kind: 'delete', name: floatingIpName(tenant, id) };
    }
    // A VPC's service IP: created, deleted, and back when its clearing failed.
    case 'ServiceIpCreated':
    case 'ServiceIpRestored': {
      const [tenant = '', vpc = ''] = ids('service-ip-');
      return create(serviceIpName(tenant, vpc), 'service-ip', tenantName(tenant));
    }
    case 'ServiceIpDeleted': {
      const [tenant = '', vpc = ''] = ids('service-ip-');
      return { kind: 'delete', name: serviceIpName(tenant, vpc) };
    }
    default:
      return undefined;
  }
}

export function foldExternalResourceEvents(
  events: readonly RecordedEvent[],
): TableWrites<Row, NoPatch> {
  return foldRowChanges(events.map(externalResourceRowChange), {
    applyTo: (row) => row,
    combine: (first) => first,
  });
}

export const externalResourceProjection: Projection = {
  name: 'external_resources',
  filter: {
    streamPrefixes: ['external-network-', 'external-gateway-', 'floating-ip-', 'service-ip-'],
    eventTypes: [
      'ExternalNetworkCreated',
      'ExternalNetworkDeleted',
      'ExternalGatewayCreated',
      'ExternalGatewayDeleted',
      'FloatingIpCreated',
      'FloatingIpDeleted',
      'ServiceIpCreated',
      'ServiceIpRestored',
      'ServiceIpDeleted',
    ],
  },
  entities: [ExternalResourceRow],
  applyBatch: (events, manager) =>
    writeRows(manager, ExternalResourceRow, foldExternalResourceEvents(events), {
      sql: 'SELECT 1 WHERE $1::jsonb IS NULL',
      toRecord: () => ({}),
    }),
};
