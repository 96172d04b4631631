import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../libs/postgres/src';
import { freePort } from './free-port';

declare global {
  var loomTestPostgres: { server: EmbeddedPostgresServer; dataDir: string } | undefined;
}

/**
 * One real PostgreSQL per test run: embedded, unless DATABASE_URL names a server to use instead.
 * Test files each create their own database on it (see test-database.ts).
 */
export default async function startTestPostgres(): Promise<void> {
  if (process.env['DATABASE_URL']) {
    process.env['LOOM_TEST_SERVER_URL'] = process.env['DATABASE_URL'];
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'loom-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  globalThis.loomTestPostgres = { server, dataDir };
  process.env['LOOM_TEST_SERVER_URL'] = server.url;
}
