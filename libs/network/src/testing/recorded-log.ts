import type { JsonObject, RecordedEvent } from '@loom/event-store';
import type { DomainEvent } from '@loom/intents';
import { networkEventCatalog } from '../network-event-catalog';

/**
 * Events as a projection receives them from the store, without one: each `record` is the next
 * event of the global order and of its stream, at the given time, at its current schema version.
 */
export class RecordedLog {
  private position = 0n;
  private readonly revisions = new Map<string, number>();

  record(stream: string, event: DomainEvent, occurredAt: string): RecordedEvent {
    this.position += 1n;
    const revision = (this.revisions.get(stream) ?? -1) + 1;
    this.revisions.set(stream, revision);
    return {
      id: `event-${this.position}`,
      stream,
      revision,
      position: this.position,
      type: event.type,
      schemaVersion: networkEventCatalog.versionOf(event.type),
      data: event.data as JsonObject,
      metadata: { occurredAt },
      recordedAt: new Date(occurredAt),
    };
  }
}
