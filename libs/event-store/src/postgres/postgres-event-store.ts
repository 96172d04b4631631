import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { AppendResult, NewEvent, RecordedEvent } from '../envelope';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors';
import type {
  EventStore,
  EventSubscription,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port';
import {
  assertExpectedRevision,
  describeExpectedRevision,
  type ExpectedRevision,
} from '../expected-revision';
import { defaultEventStoreLimits, type EventStoreLimits } from '../limits';
import { prepareEvents, type PreparedEvent } from '../prepared-event';
import { prepareStreamAppends } from '../prepared-stream-append';
import {
  assertReadAllOptions,
  assertReadStreamOptions,
  assertSubscribeOptions,
} from '../read-options';
import { assertStreamName } from '../stream-name';
import { AppendSignal } from '../subscriptions/append-signal';
import { appendOneStatement, appendStatement, eventIdUniqueConstraint } from './append-statements';
import { eventColumns, toRecordedEvent, type EventRow } from './event-rows';
import { nextAfter, readHorizonBatch } from './horizon-batch';
import { appendToStreamsOnce, explainRefusedMultiAppend } from './multi-stream-append';
import { PollingSubscription } from './polling-subscription';
import { PostgresCheckpointStore } from './postgres-checkpoints';

export interface PostgresEventStoreOptions {
  readonly pool: Pool;
  readonly limits?: Partial<EventStoreLimits>;
  /** How often live subscribers look for appends made by other processes. */
  readonly pollIntervalMs?: number;
}

interface AppendedRow {
  event_id: string;
  revision: number;
  position: string;
}

export class PostgresEventStore implements EventStore {
  readonly checkpoints: PostgresCheckpointStore;
  private readonly pool: Pool;
  private readonly limits: EventStoreLimits;
  private readonly pollIntervalMs: number;
  private readonly appendSignal = new AppendSignal();
  private readonly subscriptions = new Set<PollingSubscription>();

  constructor(options: PostgresEventStoreOptions) {
    this.pool = options.pool;
    this.limits = { ...defaultEventStoreLimits, ...options.limits };
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.checkpoints = new PostgresCheckpointStore(this.pool);
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
    const one = prepared.length === 1 ? prepared[0] : undefined;
    const parameters: unknown[] = one
      ? [stream, 1, one.id, one.type, one.schemaVersion, one.dataJson, one.metadataJson]
      : [
          stream,
          prepared.length,
          prepared.map((event) => event.id),
          prepared.map((event) => event.type),
          prepared.map((event) => event.schemaVersion),
          prepared.map((event) => event.dataJson),
          prepared.map((event) => event.metadataJson),
        ];
    if (typeof expected === 'number') parameters.push(expected);
    try {
      // Named, so each connection parses and plans the statement once (a large part of its cost).
      const form = typeof expected === 'number' ? 'exact' : expected;
      const { rows } = await this.pool.query<AppendedRow>({
        name: `loom-append-${one ? 'one-' : ''}${form}`,
        text: one ? appendOneStatement(expected) : appendStatement(expected),
        values: parameters,
      });
      if (rows.length === prepared.length) {
        this.appendSignal.notify();
        return appendResult(rows, false);
      }
    } catch (error) {
      if (!isUniqueViolation(error, eventIdUniqueConstraint)) throw error;
    }
    return this.explainRefusedAppend(stream, prepared, expected);
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const prepared = prepareStreamAppends(appends, {
      limits: this.limits,
      newId: randomUUID,
      now: () => new Date(),
    });
    const results = await appendToStreamsOnce(this.pool, prepared);
    if (!results) return explainRefusedMultiAppend(this.pool, prepared);
    this.appendSignal.notify();
    return results;
  }

  /**
   * An append that creates a stream holds its row's key until it commits or aborts; an insert of
   * the same key waits for that end. So this inserts the streams' rows in a transaction it rolls
   * back: it returns once every such creation in flight has ended, either way.
   */
  async awaitStreamCreations(streams: readonly string[], timeoutMs: number): Promise<void> {
    for (const stream of streams) assertStreamName(stream);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      await client.query(
        `INSERT INTO event_store.streams (stream_name, revision)
         SELECT unnest($1::text[]), 0 ON CONFLICT (stream_name) DO NOTHING`,
        [streams],
      );
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(broken);
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(stream);
    assertReadStreamOptions(options);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${eventColumns} FROM event_store.events
       WHERE stream_name = $1 AND stream_revision ${backwards ? '<=' : '>='} $2
       ORDER BY events.stream_revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [stream, from, options.maxCount ?? null],
    );
    return rows.map(toRecordedEvent);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    assertReadAllOptions(options);
    const batchSize = options.batchSize ?? 1000;
    let after = options.after ?? 0n;
    for (;;) {
      const batch = await readHorizonBatch(this.pool, after, batchSize, options.filter);
      yield* batch.events;
      if (batch.events.length < batchSize) return;
      after = nextAfter(after, batch, batchSize);
    }
  }

  subscribeToAll(options: SubscribeOptions): EventSubscription {
    assertSubscribeOptions(options);
    const subscription = new PollingSubscription({
      pool: this.pool,
      from: options.from,
      filter: options.filter,
      batchSize: options.batchSize ?? 500,
      pollIntervalMs: this.pollIntervalMs,
      appendSignal: this.appendSignal,
      onClose: (closed) => this.subscriptions.delete(closed),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  /**
   * The append wrote nothing: either it is a retry of an append that already happened (every id
   * stored, in this stream, in this order: report the original positions), or a real conflict.
   */
  private async explainRefusedAppend(
    stream: string,
    prepared: readonly PreparedEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const ids = prepared.map((event) => event.id);
    const { rows: stored } = await this.pool.query<AppendedRow & { stream_name: string }>(
      `SELECT event_id::text, stream_name, stream_revision::int AS revision, global_position::text AS position
       FROM event_store.events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`,
      [ids],
    );
    if (stored.length === 0) {
      const { rows } = await this.pool.query<{ revision: string }>(
        `SELECT revision::text FROM event_store.streams WHERE stream_name = $1`,
        [stream],
      );
      const actual = rows[0] ? Number(rows[0].revision) : 'no-stream';
      throw new WrongExpectedRevisionError(stream, describeExpectedRevision(expected), actual);
    }
    const sameAppend =
      stored.length === ids.length &&
      stored.every((row, index) => row.stream_name === stream && row.event_id === ids[index]);
    if (!sameAppend) {
      throw new EventIdConflictError(
        stream,
        stored.map((row) => row.event_id),
      );
    }
    return appendResult(stored, true);
  }
}

function appendResult(rows: readonly AppendedRow[], deduplicated: boolean): AppendResult {
  const events = rows.map((row) => ({
    id: row.event_id,
    revision: row.revision,
    position: BigInt(row.position),
  }));
  return { streamRevision: events.at(-1)?.revision ?? -1, events, deduplicated };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === '23505' &&
    (error as { constraint?: unknown }).constraint === constraint
  );
}
