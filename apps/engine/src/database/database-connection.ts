import { resolve } from 'node:path';
import type { Pool } from 'pg';
import {
  ensureDatabase,
  openServerPool,
  runMigrations,
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
  type PoolConnectionCounts,
  type PostmasterExit,
  type ServerPool,
} from '@loom/postgres';
import type { Logger } from '@loom/logging';
import type { EngineConfig } from '../config/engine.config';
import { engineMigrations } from './migrations';

/** Loom's PostgreSQL: the server named by DATABASE_URL, or an embedded one in the data directory. */
export class DatabaseConnection {
  readonly pool: Pool;

  private constructor(
    readonly url: string,
    private readonly serverPool: ServerPool,
    readonly embedded: boolean,
    private readonly server: EmbeddedPostgresServer | undefined,
  ) {
    this.pool = serverPool.pool;
  }

  static async open(config: EngineConfig, logger: Logger): Promise<DatabaseConnection> {
    let server: EmbeddedPostgresServer | undefined;
    let url = config.DATABASE_URL;
    if (url === undefined) {
      const dataDir = resolve(config.LOOM_DATA_DIR);
      const log = logger.child({ component: 'embedded-postgres' });
      server = await startEmbeddedPostgres({
        dataDir,
        port: config.LOOM_EMBEDDED_PG_PORT,
        // The engine handles its signals (EngineStop) and stops the server last.
        signals: 'caller',
        onLog: (message) => {
          log.debug(message.trim());
        },
      });
      await ensureDatabase(server.url, 'loom');
      url = server.urlFor('loom');
      logger.info({ dataDir, port: config.LOOM_EMBEDDED_PG_PORT }, 'embedded PostgreSQL started');
    }
    const migrations = await runMigrations(url, engineMigrations);
    if (migrations.length > 0) logger.info({ migrations }, 'database migrated');
    // A lost database is reported once, by DatabaseHealth; each idle connection it cut, here.
    const pool = await openServerPool({
      url,
      size: config.LOOM_DB_POOL_SIZE,
      onIdleError: (error) => {
        logger.debug({ reason: error.message }, 'idle database connection lost');
      },
    });
    return new DatabaseConnection(url, pool, server !== undefined, server);
  }

  /** The pool's connections (`loom_db_connections*` metrics). */
  connectionCounts(): PoolConnectionCounts {
    return this.serverPool.connectionCounts();
  }

  /**
   * With the embedded PostgreSQL: resolves if that server exits while the engine runs (killed,
   * crashed). The engine then stops (main.ts; docs/configuration.md says why). Undefined with
   * DATABASE_URL, whose server comes and goes on its own (DatabaseHealth follows it).
   */
  get embeddedServerCrashed(): Promise<PostmasterExit> | undefined {
    return this.server?.crashed;
  }

  /** Ends the pool, then stops the embedded server once the engine's sessions have ended. */
  async close(): Promise<void> {
    await this.pool.end();
    await this.server?.stop();
  }
}
