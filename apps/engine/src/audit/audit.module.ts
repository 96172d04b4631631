import { resolve } from 'node:path';
import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  AuditIndex,
  AuditQueries,
  ChainSealer,
  loadOrCreateAuditKey,
  networkResourceModels,
} from '@loom/audit';
import type { EventStore } from '@loom/event-store';
import type { Logger } from '@loom/logging';
import { ApiModule } from '../api/api.module';
import { LOGGER } from '../config/config.module';
import type { EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from '../database/database-connection';
import { EVENT_STORE } from '../event-store/event-store.module';
import { AuditController } from './audit.controller';

/**
 * The audit trail: AuditService over the event log, the index it searches (filled behind the
 * appends), and the tamper evidence: a sealer that extends the hash chain over the log and signs a
 * checkpoint each round, with the audit key in the data directory (`audit-signing-key.json`, not
 * the token key). Only on the PostgreSQL event store, whose log they read; every replica may run
 * them (the index is idempotent, the checkpoint table lets one sealer extend each checkpoint).
 */
@Module({
  imports: [ApiModule],
  controllers: [AuditController],
  providers: [
    {
      provide: AuditIndex,
      inject: [DatabaseConnection, LOGGER],
      useFactory: (database: DatabaseConnection, logger: Logger) =>
        new AuditIndex(database.pool, {
          onError: (error) => {
            logger.error({ err: error, component: 'audit-index' }, 'audit index not updated');
          },
        }),
    },
    {
      provide: AuditQueries,
      inject: [DatabaseConnection, EVENT_STORE, AuditIndex],
      useFactory: (database: DatabaseConnection, store: EventStore, index: AuditIndex) =>
        new AuditQueries(database.pool, store, index, networkResourceModels),
    },
  ],
  // The dashboard's audit trace view asks the same queries.
  exports: [AuditQueries],
})
export class AuditModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private sealer: ChainSealer | undefined;

  constructor(
    @Inject('EngineConfig') private readonly config: EngineConfig,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject(AuditIndex) private readonly index: AuditIndex,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.LOOM_EVENT_STORE !== 'postgres') return;
    const key = await loadOrCreateAuditKey(resolve(this.config.LOOM_DATA_DIR));
    const log = this.logger.child({ component: 'audit-sealer' });
    this.sealer = new ChainSealer({
      pool: this.database.pool,
      key,
      onError: (error) => {
        log.error({ err: error }, 'audit chain not sealed');
      },
    });
    this.index.start();
    this.sealer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sealer?.stop();
    await this.index.stop();
  }
}
