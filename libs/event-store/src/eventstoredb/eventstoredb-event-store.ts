import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { AppendResult, NewEvent, RecordedEvent } from '../envelope';
import type {
  EventStore,
  EventSubscription,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
} from '../event-store.port';
import { assertExpectedRevision, type ExpectedRevision } from '../expected-revision';
import { defaultEventStoreLimits, type EventStoreLimits } from '../limits';
import { prepareEvents } from '../prepared-event';
import {
  assertReadAllOptions,
  assertReadStreamOptions,
  assertSubscribeOptions,
} from '../read-options';
import { assertStreamName } from '../stream-name';
import { appendToEventStoreDb } from './eventstoredb-append';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoints';
import { readAllEvents } from './eventstoredb-read-all';
import { EventStoreDbSubscription } from './eventstoredb-subscription';
import { decodeRecord } from './recorded-event-mapping';
import { readStreamRecords } from './stream-reader';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://admin:changeit@localhost:2113?tls=false`; reading $all needs a user allowed to. */
  readonly connectionString: string;
  readonly limits?: Partial<EventStoreLimits>;
}

/**
 * The EventStoreDB / KurrentDB backend of the port; the PostgreSQL backend is the reference for
 * behaviour. It has no `appendToStreams`: db-client 6 appends to one stream at a time (KurrentDB
 * 25.1 added an atomic multi-stream append, reached through @kurrent/kurrentdb-client's
 * `multiStreamAppend`), so callers append stream by stream on this backend.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly checkpoints: EventStoreDbCheckpointStore;
  private readonly client: EventStoreDBClient;
  private readonly limits: EventStoreLimits;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.limits = { ...defaultEventStoreLimits, ...options.limits };
    this.checkpoints = new EventStoreDbCheckpointStore(this.client);
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertStreamName(stream);
    assertExpectedRevision(expected);
    const prepared = prepareEvents(stream, events, {
      limits: this.limits,
      newId: randomUUID,
      now: () => new Date(),
    });
    return appendToEventStoreDb(this.client, {
      stream,
      events: prepared,
      expected,
      appendId: randomUUID(),
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(stream);
    assertReadStreamOptions(options);
    const records = await readStreamRecords(this.client, stream, {
      direction: options.direction ?? 'forwards',
      fromRevision: options.fromRevision,
      maxCount: options.maxCount,
    });
    return records.map((record) => decodeRecord(record).event);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    assertReadAllOptions(options);
    yield* readAllEvents(this.client, {
      after: options.after ?? 0n,
      filter: options.filter,
      batchSize: options.batchSize ?? 1000,
    });
  }

  subscribeToAll(options: SubscribeOptions): EventSubscription {
    assertSubscribeOptions(options);
    const subscription = new EventStoreDbSubscription({
      client: this.client,
      from: options.from,
      filter: options.filter,
      batchSize: options.batchSize ?? 500,
      onClose: (closed) => this.subscriptions.delete(closed),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}
