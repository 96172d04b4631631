import { Client } from 'pg';

export interface LoggedEvent {
  readonly position: string;
  readonly stream: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

/** The whole event log, in global order: what every check reads (a campaign's log is small). */
export async function readEventLog(databaseUrl: string): Promise<LoggedEvent[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      global_position: string;
      stream_name: string;
      event_type: string;
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
    }>(
      `SELECT global_position, stream_name, event_type, data, metadata
       FROM event_store.events ORDER BY global_position`,
    );
    return rows.map((row) => ({
      position: row.global_position,
      stream: row.stream_name,
      type: row.event_type,
      data: row.data,
      metadata: row.metadata,
    }));
  } finally {
    await client.end();
  }
}

/** One query's rows, on a connection of its own. */
export async function queryRows<T extends object>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export function byStream(events: readonly LoggedEvent[]): Map<string, LoggedEvent[]> {
  const streams = new Map<string, LoggedEvent[]>();
  for (const event of events) {
    const list = streams.get(event.stream) ?? [];
    list.push(event);
    streams.set(event.stream, list);
  }
  return streams;
}

/** `tenants/a/vpcs/v/subnets/s` -> `subnet-a/v/s`, as libs/network names its streams. */
export function streamOfResource(name: string): string {
  const parts = name.split('/');
  const ids = parts.filter((_, index) => index % 2 === 1);
  const kinds = ['tenant', 'vpc', 'subnet', 'port'];
  const kind = kinds[ids.length - 1];
  if (!kind) throw new Error(`not a resource name: ${name}`);
  return `${kind}-${ids.join('/')}`;
}
