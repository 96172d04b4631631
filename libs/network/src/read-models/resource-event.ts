import type { RecordedEvent } from '@loom/event-store';
import type { DomainEvent } from '@loom/intents';
import type { RowChange } from '@loom/projections';
import { networkEventCatalog } from '../network-event-catalog';
import type { ResourcePatch } from '../shared/resource-patch';

/** A recorded event of a resource's stream, as its row changes read it. */
export interface ResourceEvent<Event extends DomainEvent> {
  /** The event at its current schema version. */
  readonly event: Event;
  /** When it happened: the row's create or update time. */
  readonly at: Date;
  /** The ids in the stream's name after its prefix: `vpc-acme/prod` gives acme and prod. */
  readonly ids: readonly string[];
}

export function readResourceEvent<Event extends DomainEvent>(
  recorded: RecordedEvent,
  streamPrefix: string,
): ResourceEvent<Event> {
  return {
    event: networkEventCatalog.upcast(
      recorded.type,
      recorded.schemaVersion,
      recorded.data,
    ) as Event,
    at: new Date(recorded.metadata.occurredAt),
    ids: recorded.stream.slice(streamPrefix.length).split('/'),
  };
}

/** A new display name for the row: one more version, changed at `at`. */
export const renamedRow = <Row>(
  name: string,
  displayName: string,
  at: Date,
): RowChange<Row, ResourcePatch> => ({
  kind: 'patch',
  name,
  patch: { displayName, versionBumps: 1, updateTime: at },
});
