import type { Pool } from 'pg';
import type { AppendResult } from '../envelope';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors';
import { describeExpectedRevision, type ExpectedRevision } from '../expected-revision';
import type { PreparedStreamAppend } from '../prepared-stream-append';
import { eventIdUniqueConstraint } from './append-statements';

interface AppendedRow {
  appended_id: string;
  appended_stream: string;
  appended_revision: number;
  appended_position: string;
}

/** What `event_store.append_to_streams` raises when a stream is not at the expected revision. */
const wrongExpectedRevisionCode = 'LM001';

/**
 * One call of `event_store.append_to_streams` (see its migration): one round trip, one
 * transaction. Returns undefined when it wrote nothing, because a claim failed or an event id is
 * already stored: `explainRefusedMultiAppend` tells a retry from a conflict.
 */
export async function appendToStreamsOnce(
  pool: Pool,
  appends: readonly PreparedStreamAppend[],
): Promise<AppendResult[] | undefined> {
  const events = appends.flatMap((append) =>
    append.events.map((event) => ({ stream: append.stream, event })),
  );
  const parameters = [
    appends.map((append) => append.stream),
    appends.map((append) => formOf(append.expected)),
    appends.map((append) => (typeof append.expected === 'number' ? append.expected : null)),
    appends.map((append) => append.events.length),
    events.map(({ stream }) => stream),
    events.map(({ event }) => event.id),
    events.map(({ event }) => event.type),
    events.map(({ event }) => event.schemaVersion),
    events.map(({ event }) => event.dataJson),
    events.map(({ event }) => event.metadataJson),
  ];
  try {
    const { rows } = await pool.query<AppendedRow>({
      name: 'loom-append-to-streams',
      text: `SELECT * FROM event_store.append_to_streams(
               $1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::uuid[], $7::text[],
               $8::int[], $9::jsonb[], $10::jsonb[])`,
      values: parameters,
    });
    return groupByStream(appends, rows, false);
  } catch (error) {
    if (
      errorCode(error) === wrongExpectedRevisionCode ||
      (errorCode(error) === '23505' && constraintOf(error) === eventIdUniqueConstraint)
    ) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The multi-stream append wrote nothing: a retry of one that happened (every id stored, in the
 * same streams and order: report the original positions), or a stream not at its expected
 * revision, or ids used by another append.
 */
export async function explainRefusedMultiAppend(
  pool: Pool,
  appends: readonly PreparedStreamAppend[],
): Promise<AppendResult[]> {
  const ids = appends.flatMap((append) => append.events.map((event) => event.id));
  const { rows: stored } = await pool.query<AppendedRow>(
    `SELECT event_id::text AS appended_id, stream_name AS appended_stream,
            stream_revision::int AS appended_revision, global_position::text AS appended_position
     FROM event_store.events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`,
    [ids],
  );
  if (stored.length === 0) throw await wrongRevision(pool, appends);
  const offered = appends.flatMap((append) =>
    append.events.map((event) => ({ stream: append.stream, id: event.id })),
  );
  const sameAppend =
    stored.length === offered.length &&
    stored.every(
      (row, index) =>
        row.appended_id === offered[index]?.id && row.appended_stream === offered[index].stream,
    );
  if (!sameAppend) {
    const first = stored[0];
    throw new EventIdConflictError(
      first?.appended_stream ?? '',
      stored.map((row) => row.appended_id),
    );
  }
  return groupByStream(appends, stored, true);
}

/** The first stream whose expected revision does not hold now (or the first, after a race). */
async function wrongRevision(
  pool: Pool,
  appends: readonly PreparedStreamAppend[],
): Promise<WrongExpectedRevisionError> {
  const { rows } = await pool.query<{ stream_name: string; revision: string }>(
    `SELECT stream_name, revision::text FROM event_store.streams WHERE stream_name = ANY($1)`,
    [appends.map((append) => append.stream)],
  );
  const actualOf = new Map(rows.map((row) => [row.stream_name, Number(row.revision)]));
  const outcomes = appends.map((append) => ({
    append,
    actual: actualOf.get(append.stream) ?? ('no-stream' as const),
  }));
  const failed =
    outcomes.find(({ append, actual }) => !holds(append.expected, actual)) ?? outcomes[0];
  if (!failed) throw new Error('a multi-stream append without streams');
  return new WrongExpectedRevisionError(
    failed.append.stream,
    describeExpectedRevision(failed.append.expected),
    failed.actual,
  );
}

function holds(expected: ExpectedRevision, actual: number | 'no-stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === 'no-stream';
  if (expected === 'exists') return actual !== 'no-stream';
  return actual === expected;
}

function groupByStream(
  appends: readonly PreparedStreamAppend[],
  rows: readonly AppendedRow[],
  deduplicated: boolean,
): AppendResult[] {
  const byStream = new Map<string, AppendedRow[]>();
  for (const row of rows) {
    const list = byStream.get(row.appended_stream) ?? [];
    list.push(row);
    byStream.set(row.appended_stream, list);
  }
  return appends.map((append) => {
    const events = (byStream.get(append.stream) ?? []).map((row) => ({
      id: row.appended_id,
      revision: row.appended_revision,
      position: BigInt(row.appended_position),
    }));
    return { streamRevision: events.at(-1)?.revision ?? -1, events, deduplicated };
  });
}

function formOf(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? 'exact' : expected;
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function constraintOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { constraint?: unknown }).constraint
    : undefined;
}
