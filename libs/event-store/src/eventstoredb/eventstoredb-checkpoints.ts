import { ANY, jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { CheckpointStore } from '../event-store.port';
import { isPlainObject } from '../json-value';
import { assertStreamName } from '../stream-name';
import { readStreamTail } from './stream-reader';

/** Readers of $all skip these streams (see hidden-events.ts). */
export const checkpointStreamPrefix = 'loom-checkpoint-';
const checkpointEventType = 'CheckpointSaved';

/**
 * Each named checkpoint is the last event of its own stream. The stream keeps one event (maxCount 1),
 * so the older ones stop being readable at once and a scavenge removes them.
 */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  /** Streams whose maxCount this process has made sure of. */
  private readonly trimmed = new Set<string>();

  constructor(private readonly client: EventStoreDBClient) {}

  async load(name: string): Promise<bigint | undefined> {
    assertStreamName(name);
    const [last] = await readStreamTail(this.client, checkpointStream(name), 1);
    const data: unknown = last?.event?.data;
    if (data === undefined) return undefined;
    const position = isPlainObject(data) ? data['position'] : undefined;
    if (typeof position !== 'string' || !/^\d+$/.test(position)) {
      throw new Error(`checkpoint ${name} holds no position: ${JSON.stringify(data)}`);
    }
    return BigInt(position);
  }

  async save(name: string, position: bigint): Promise<void> {
    assertStreamName(name);
    const stream = checkpointStream(name);
    // A bigint is not JSON: the position travels as its decimal digits.
    const event = jsonEvent({ type: checkpointEventType, data: { position: position.toString() } });
    await this.client.appendToStream(stream, event, { expectedRevision: ANY });
    if (!this.trimmed.has(stream)) {
      await this.keepOnlyTheLast(stream);
      this.trimmed.add(stream);
    }
  }

  /**
   * Sets maxCount 1 on the first save. It checks instead of trusting "revision 0 means first": a process
   * that stopped between its first append and this call would otherwise leave the stream growing forever.
   */
  private async keepOnlyTheLast(stream: string): Promise<void> {
    const { metadata } = await this.client.getStreamMetadata(stream);
    if (metadata?.maxCount === 1) return;
    await this.client.setStreamMetadata(stream, { ...metadata, maxCount: 1 });
  }
}

function checkpointStream(name: string): string {
  return `${checkpointStreamPrefix}${name}`;
}
