import type { INestApplicationContext } from '@nestjs/common';
import type { EngineConfig } from './config/engine.config';
import { DatabaseConnection } from './database/database-connection';

/** What the ready line tells an operator: which store, where the data lives, how far the log goes. */
export async function describeReadiness(
  app: INestApplicationContext,
): Promise<Record<string, unknown>> {
  const config = app.get<EngineConfig>('EngineConfig');
  const database = app.get(DatabaseConnection);
  const { rows } = await database.pool.query<{ position: string | null }>(
    'SELECT max(global_position)::text AS position FROM event_store.events',
  );
  return {
    eventStore: config.LOOM_EVENT_STORE,
    database: database.embedded ? 'embedded' : 'external',
    dataDir: config.LOOM_DATA_DIR,
    lastPosition: rows[0]?.position ?? '0',
  };
}
