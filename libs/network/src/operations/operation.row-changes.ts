import type { ErrorKind } from '@loom/errors';
import type { RecordedEvent } from '@loom/event-store';
import { foldRowChanges, type RowChange, type TableWrites } from '@loom/projections';
import { networkEventCatalog } from '../network-event-catalog';
import { operationName, tenantName } from '@loom/names';
import type { OperationEvent } from './operation.events';
import type { OperationRow } from './operation.read-model';

/** The row as plain, immutable values: what the fold passes along. */
type Row = Readonly<OperationRow>;

/** The end of a stored operation: done, with its error if it failed. */
export interface OperationPatch {
  readonly done?: boolean;
  readonly errorKind?: ErrorKind;
  readonly errorMessage?: string;
  readonly endTime?: Date;
}

export const operationPatching = {
  applyTo: (row: Row, patch: OperationPatch): Row => ({ ...row, ...patch }),
  combine: (first: OperationPatch, second: OperationPatch): OperationPatch => ({
    ...first,
    ...second,
  }),
};

/** What one event of an operation's stream does to its row. */
export function operationRowChange(recorded: RecordedEvent): RowChange<Row, OperationPatch> {
  const event = networkEventCatalog.upcast(
    recorded.type,
    recorded.schemaVersion,
    recorded.data,
  ) as OperationEvent;
  const at = new Date(recorded.metadata.occurredAt);
  const [tenantId = '', operationId = ''] = recorded.stream.slice('operation-'.length).split('/');
  const name = operationName(tenantId, operationId);
  switch (event.type) {
    case 'OperationStarted': {
      const row: Row = {
        name,
        tenantId,
        parent: tenantName(tenantId),
        target: event.data.target,
        verb: event.data.verb,
        done: false,
        errorKind: null,
        errorMessage: null,
        createTime: at,
        endTime: null,
      };
      return { kind: 'create', name, row };
    }
    case 'OperationSucceeded':
      return { kind: 'patch', name, patch: { done: true, endTime: at } };
    case 'OperationFailed': {
      const { kind, message } = event.data;
      const patch = { done: true, errorKind: kind, errorMessage: message, endTime: at };
      return { kind: 'patch', name, patch };
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** A batch of operation events, in order, as the writes to the operations table. */
export function foldOperationEvents(
  events: readonly RecordedEvent[],
): TableWrites<Row, OperationPatch> {
  return foldRowChanges(events.map(operationRowChange), operationPatching);
}
