import type { RecordedEvent } from '@loom/event-store';
import {
  foldRowChanges,
  writeRows,
  type Projection,
  type RowChange,
  type TableWrites,
} from '@loom/projections';
import { tenantName } from '@loom/names';
import { qosPolicyName } from './qos-names';
import { QosPolicyRow } from './qos-policy.read-model';

type Row = Readonly<QosPolicyRow>;
type NoPatch = never;

/** What one event does to the table: a create adds the name, a delete removes it. */
export function qosPolicyRowChange(recorded: RecordedEvent): RowChange<Row, NoPatch> | undefined {
  const [tenant = '', id = ''] = recorded.stream.slice('qos-policy-'.length).split('/');
  const name = qosPolicyName(tenant, id);
  switch (recorded.type) {
    case 'QosPolicyCreated':
      return {
        kind: 'create',
        name,
        row: {
          name,
          parent: tenantName(tenant),
          createTime: new Date(recorded.metadata.occurredAt),
        },
      };
    case 'QosPolicyDeleted':
      return { kind: 'delete', name };
    default:
      return undefined;
  }
}

export function foldQosPolicyEvents(events: readonly RecordedEvent[]): TableWrites<Row, NoPatch> {
  return foldRowChanges(events.map(qosPolicyRowChange), {
    applyTo: (row) => row,
    combine: (first) => first,
  });
}

export const qosPolicyProjection: Projection = {
  name: 'qos_policies',
  filter: {
    streamPrefixes: ['qos-policy-'],
    eventTypes: ['QosPolicyCreated', 'QosPolicyDeleted'],
  },
  entities: [QosPolicyRow],
  applyBatch: (events, manager) =>
    writeRows(manager, QosPolicyRow, foldQosPolicyEvents(events), {
      sql: 'SELECT 1 WHERE $1::jsonb IS NULL',
      toRecord: () => ({}),
    }),
};
