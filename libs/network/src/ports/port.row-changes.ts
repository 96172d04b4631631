import type { RecordedEvent } from '@loom/event-store';
import { foldRowChanges, type RowChange, type TableWrites } from '@loom/projections';
import { networkEventCatalog } from '../network-event-catalog';
import {
  applyResourcePatch,
  combineResourcePatches,
  type ResourcePatch,
} from '../shared/resource-patch';
import { portName, subnetName } from '@loom/names';
import type { PortEvent } from './port.events';
import type { PortRow } from './port.read-model';

/** The row as plain, immutable values: what the fold passes along. */
type Row = Readonly<PortRow>;

/** A change to a stored port row: an update, or the fabric's verdict (active, or failed); each a new version. */
export interface PortPatch extends ResourcePatch {
  readonly status?: PortRow['status'];
  readonly statusReason?: string;
}

export const portPatching = {
  applyTo: (row: Row, patch: PortPatch): Row => ({
    ...applyResourcePatch(row, patch),
    status: patch.status ?? row.status,
    statusReason: patch.statusReason ?? row.statusReason,
  }),
  combine: (first: PortPatch, second: PortPatch): PortPatch =>
    combineResourcePatches(first, second),
};

/** What one event of a port's stream does to its row. */
export function portRowChange(recorded: RecordedEvent): RowChange<Row, PortPatch> {
  const event = networkEventCatalog.upcast(
    recorded.type,
    recorded.schemaVersion,
    recorded.data,
  ) as PortEvent;
  const at = new Date(recorded.metadata.occurredAt);
  const [tenantId = '', vpcId = '', subnetId = '', portId = ''] = recorded.stream
    .slice('port-'.length)
    .split('/');
  const name = portName(tenantId, vpcId, subnetId, portId);
  switch (event.type) {
    case 'PortCreated': {
      const { displayName, kind, fixedIp, macAddress, binding } = event.data;
      const row: Row = {
        name,
        tenantId,
        parent: subnetName(tenantId, vpcId, subnetId),
        displayName,
        kind,
        fixedIp,
        macAddress,
        binding,
        status: 'PENDING',
        statusReason: '',
        version: 1,
        createTime: at,
        updateTime: at,
      };
      return { kind: 'create', name, row };
    }
    case 'PortUpdated': {
      const patch = { displayName: event.data.displayName, versionBumps: 1, updateTime: at };
      return { kind: 'patch', name, patch };
    }
    case 'PortActivated': {
      // A new status is a new version, as in the decider: the etag changes with it.
      const patch = {
        status: 'ACTIVE',
        statusReason: '',
        versionBumps: 1,
        updateTime: at,
      } as const;
      return { kind: 'patch', name, patch };
    }
    case 'PortFailed': {
      const { reason } = event.data;
      const patch = {
        status: 'ERROR',
        statusReason: reason,
        versionBumps: 1,
        updateTime: at,
      } as const;
      return { kind: 'patch', name, patch };
    }
    case 'PortDeleted':
      return { kind: 'delete', name };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** A batch of port events, in order, as the writes to the ports table. */
export function foldPortEvents(events: readonly RecordedEvent[]): TableWrites<Row, PortPatch> {
  return foldRowChanges(events.map(portRowChange), portPatching);
}
