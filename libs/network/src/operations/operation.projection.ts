import type { RecordedEvent } from '@loom/event-store';
import type { Projection } from '@loom/projections';
import type { EntityManager } from 'typeorm';
import { networkEventCatalog } from '../network-event-catalog';
import { operationName, tenantName } from '../shared/resource-names';
import type { OperationEvent } from './operation.events';
import { OperationRow } from './operation.read-model';

export const operationProjection: Projection = {
  name: 'operations',
  filter: { streamPrefixes: ['operation-'] },
  entities: [OperationRow],
  async apply(recorded: RecordedEvent, manager: EntityManager): Promise<void> {
    const event = networkEventCatalog.upcast(
      recorded.type,
      recorded.schemaVersion,
      recorded.data,
    ) as OperationEvent;
    const at = new Date(recorded.metadata.occurredAt);
    const rows = manager.getRepository(OperationRow);
    const [tenantId = '', operationId = ''] = recorded.stream.slice('operation-'.length).split('/');
    const name = operationName(tenantId, operationId);
    switch (event.type) {
      case 'OperationStarted':
        await rows.save({
          name,
          tenantId,
          parent: tenantName(tenantId),
          target: event.data.target,
          verb: event.data.verb,
          done: false,
          errorCode: null,
          errorMessage: null,
          createTime: at,
          endTime: null,
        });
        return;
      case 'OperationSucceeded':
        await rows.update({ name }, { done: true, endTime: at });
        return;
      case 'OperationFailed':
        await rows.update(
          { name },
          { done: true, errorCode: event.data.code, errorMessage: event.data.message, endTime: at },
        );
        return;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
