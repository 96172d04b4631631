import type { Pool } from 'pg';
import type { EventStore } from '../../libs/event-store/src/event-store.port';
import { referenceRow, sampleEvents } from './events';

/**
 * One writer's appends through the event store: its own streams, each `streamLength` events
 * long, created with `no-stream` and then appended to with the exact expected revision.
 */
export class StreamWriter {
  private stream = 0;
  private revision = -1;
  private sequence = 0;

  constructor(
    private readonly store: EventStore,
    private readonly prefix: string,
    private readonly streamLength: number,
  ) {}

  async append(count: number): Promise<number> {
    if (this.revision + count >= this.streamLength) {
      this.stream += 1;
      this.revision = -1;
    }
    const result = await this.store.append(
      `${this.prefix}-${this.stream}`,
      sampleEvents(count, this.sequence),
      this.revision === -1 ? 'no-stream' : this.revision,
    );
    this.revision = result.streamRevision;
    this.sequence += count;
    return count;
  }
}

export const referenceTable = 'bench_reference_rows';

export async function createReferenceTable(pool: Pool): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${referenceTable} (id bigserial PRIMARY KEY, body jsonb NOT NULL)`,
  );
}

/**
 * The baseline: rows of the same size as Loom's events in a plain table with a bigserial key,
 * one autocommitted INSERT statement per call (a multi-row INSERT for more than one row).
 */
export class ReferenceWriter {
  private sequence = 0;

  constructor(
    private readonly pool: Pool,
    private readonly prefix: string,
  ) {}

  async insert(count: number): Promise<number> {
    const stream = `${this.prefix}-${this.sequence}`;
    const rows = sampleEvents(count, this.sequence).map((event, index) =>
      referenceRow(stream, index, event),
    );
    await this.pool.query(insertStatement(count), rows);
    this.sequence += count;
    return count;
  }
}

const statements = new Map<number, string>();

function insertStatement(rows: number): string {
  let statement = statements.get(rows);
  if (statement === undefined) {
    const values = Array.from({ length: rows }, (_, index) => `($${index + 1}::jsonb)`);
    statement = `INSERT INTO ${referenceTable} (body) VALUES ${values.join(', ')}`;
    statements.set(rows, statement);
  }
  return statement;
}
